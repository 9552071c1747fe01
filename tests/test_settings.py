"""Settings come from the environment and refuse unsafe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run(*args, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_web_server_without_secret_key_stops_at_start_with_a_clear_error():
    result = run("-c", "import config.wsgi", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_deployment_check_reports_a_missing_secret_key():
    result = run("manage.py", "check", "--deploy", DEBUG="0")
    assert result.returncode != 0
    assert "core.E001" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_commands_that_need_no_secret_run_without_one():
    result = run("manage.py", "makemigrations", "--check", "--dry-run", DEBUG="0")
    assert result.returncode == 0, result.stderr


def test_production_with_secret_key_starts():
    assert run("-c", "import config.wsgi", DEBUG="0", SECRET_KEY="a-real-secret").returncode == 0


def test_language_and_time_zone_defaults(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def _connection_options(key: str = "options", **env_overrides) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "django.setup(); from django.db import connection; "
        f"print(connection.settings_dict.get('OPTIONS', {{}}).get({key!r}, ''))"
    )
    result = run("-c", code, **env_overrides)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """JIT compiling made the reports' first reading slower (docs/BENCHMARKS.md): the app
    turns it off for its own connections, whatever the server's configuration."""
    assert "-c jit=off" in connection.settings_dict["OPTIONS"]["options"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_every_sequential_scan_starts_at_the_first_block():
    """With synchronized scans a search of a common syllable ranked a different sample of a
    large table each time (20 different pages in 20 searches at 200,000 partners): the app's
    connections turn them off, so the same search on the same data gives the same hits."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone()[0] == "off"


def test_jit_is_left_to_the_server_when_asked():
    """``DATABASE_JIT`` on: the connections pass no JIT option (PostgreSQL as in the
    ``DATABASE_URL`` of make test)."""
    assert "-c jit=off" in _connection_options(DATABASE_JIT="0")
    assert "jit" not in _connection_options(DATABASE_JIT="1")


def test_each_startup_option_can_be_left_to_the_server_or_the_role():
    both = _connection_options()
    assert "-c jit=off" in both
    assert "-c synchronize_seqscans=off" in both
    assert _connection_options(DATABASE_SYNCHRONIZE_SEQSCANS="1") == "-c jit=off"
    assert _connection_options(DATABASE_STARTUP_OPTIONS="0") == ""


@pytest.mark.django_db
def test_a_query_run_often_is_prepared_once_per_connection():
    """After five runs on a connection a query is a prepared statement, its values bound as
    parameters (PostgreSQL lists the session's in pg_prepared_statements), and stays one."""
    from partners.models import Partner

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"name" = $1 AND "partners_partner"."short_name" = $2%'],
            )
            return cursor.fetchone()[0]

    def run_query(name: str) -> None:  # a query of this test only
        list(Partner.objects.filter(short_name=name, name=name).values_list("uscc"))

    for _ in range(5):
        run_query("甲")
    assert prepared() == 0
    run_query("乙")
    assert prepared() == 1
    run_query("丙")
    assert prepared() == 1


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    """``DATABASE_PREPARED_STATEMENTS=0`` (for a connection pooler in transaction mode):
    Django's defaults, the values bound in the client and no threshold to prepare at."""
    on, off = {"DATABASE_PREPARED_STATEMENTS": "1"}, {"DATABASE_PREPARED_STATEMENTS": "0"}
    assert _connection_options("prepare_threshold", **on) == "5"
    assert _connection_options("server_side_binding", **on) == "True"
    assert _connection_options("prepare_threshold", **off) == ""
    assert _connection_options("server_side_binding", **off) == ""


@pytest.mark.parametrize(
    ("rows", "prepared", "refused"),
    [("65535", "1", True), ("65534", "1", False), ("100000", "0", False)],
)
def test_an_import_too_long_for_bound_parameters_is_refused_at_start(rows, prepared, refused):
    """An import's ``IN`` lists hold one parameter per row, and PostgreSQL takes at most
    65,535 bound parameters in a statement."""
    env = {"IMPORT_MAX_ROWS": rows, "DATABASE_PREPARED_STATEMENTS": prepared, "DEBUG": "1"}
    result = run("manage.py", "check", **env)
    assert (result.returncode != 0, "core.E002" in result.stderr) == (refused, refused)


@pytest.mark.parametrize(
    ("cache_url", "seconds"),
    [("locmemcache://", "0"), ("redis://127.0.0.1:6379/1", "60")],
)
def test_the_reports_are_refreshed_by_beat_only_with_a_shared_cache(cache_url, seconds):
    """A refresh in the worker's own memory would reach no web process."""
    script = (
        "from config import settings as s; "
        "print(s.REPORT_REFRESH_SECONDS, 'refresh-reports' in s.CELERY_BEAT_SCHEDULE)"
    )
    result = run("-c", script, CACHE_URL=cache_url, DEBUG="1")
    assert result.stdout.split() == [seconds, str(seconds != "0")]
