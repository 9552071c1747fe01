"""Settings for the Fengtai development-partner CRM.

One module, every value from the environment (django-environ). With nothing set it runs on
embedded defaults (an SQLite file and kombu's filesystem broker under ``var/``) so that
``make run`` works on a bare machine; production sets ``DATABASE_URL``,
``CELERY_BROKER_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-local-development-key-used-only-when-debug-is-on"  # noqa: S105
# Without DEBUG a missing SECRET_KEY stops the web server at start-up (config/wsgi.py and
# core/checks.py); commands that need no secret, such as makemigrations, still run.

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "simple_history",
    "rules",
    "axes",
    "django_htmx",
    # Only for its static files: Chart.js, served by the app (the intranet has no CDN).
    "chartjs",
]
# accounts comes last: its post_migrate hook assigns the permissions the other apps create.
LOCAL_APPS = ["core", "chains", "partners", "projects", "accounts"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.web.sessions.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.audit.AuditSourceMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}
# PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost; for the reports'
# aggregates over millions of rows the compiling took longer than it saved (0.7 s of a 1.8 s
# query, docs/BENCHMARKS.md), so the app's connections turn it off unless DATABASE_JIT is set.
#
# A sequential scan of a table larger than a quarter of shared_buffers starts where the last
# one stopped (synchronize_seqscans), and a scan cut short by a LIMIT stops early: the search
# box's "anywhere" tier, which ranks the first rows a scan finds, then gave a different page for
# each search of the same common syllable (20 searches for 科技 at 200,000 partners: 20
# different pages). Off, every scan starts at the table's first block, unless
# DATABASE_SYNCHRONIZE_SEQSCANS is set.
#
# Both are sent as startup options, which a pooler may refuse (pgbouncer before 1.20, or a
# setting it does not track): DATABASE_STARTUP_OPTIONS=0 sends none (set them on the role
# instead: ALTER ROLE … SET jit = off, SET synchronize_seqscans = off).
_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
_startup_options = []
if not env.bool("DATABASE_JIT", default=False):
    _startup_options.append("-c jit=off")
if not env.bool("DATABASE_SYNCHRONIZE_SEQSCANS", default=False):
    _startup_options.append("-c synchronize_seqscans=off")
if _POSTGRESQL and _startup_options and env.bool("DATABASE_STARTUP_OPTIONS", default=True):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join([_options.get("options", ""), *_startup_options]).strip()
# Prepared statements: psycopg prepares a query once a connection has run it five times, and
# PostgreSQL then parses it no more, and stops planning it if its generic plan is estimated to
# cost no more than the custom ones (list and detail served a fifth more requests,
# docs/BENCHMARKS.md, ninth round). Django leaves them off for connection poolers in
# transaction mode; DATABASE_PREPARED_STATEMENTS=0 does too. core.checks.E002 keeps imports
# within the bound parameters a statement may have.
if _POSTGRESQL and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before anything else
    "rules.permissions.ObjectPermissionBackend",  # the rules of each app's permissions.py
    "django.contrib.auth.backends.ModelBackend",  # passwords, and superusers' full rights
]
# Login lockout: 5 failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions end after 30 minutes without a request; a session's expiry is pushed forward at
# most once a minute (core.web.sessions), not written on every request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_REFRESH_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
# The audit trail is read-only: no “revert to this version” in the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
# Static files (the admin's included) are served by the app itself through WhiteNoise: the
# intranet has no CDN, and no separate web server is required.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Secure cookies unless DEBUG; an intranet served over plain HTTP must say so explicitly.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# The REST API (/api/v1/): token (knox, hashed in the database) or session authentication;
# token first so that an anonymous request gets 401 with a WWW-Authenticate header.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.api.permissions.RulesPermission",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.GivenFiltersBackend",
        "core.api.filters.StrictOrderingFilter",
    ],
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ErrorDocumentingAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Request bodies (files excepted) above this are refused: 413 from the API, 400 elsewhere.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BODY_BYTES", default=2_621_440)
# A list counts its rows up to this many and beyond says "more than" (core/pagination.py).
LIST_COUNT_LIMIT = env.int("LIST_COUNT_LIMIT", default=1000)
# A report's table shows this many rows in the API (its row_count tells how many there are);
# its Excel export has them all.
REPORT_ROWS_SHOWN = env.int("REPORT_ROWS_SHOWN", default=500)
# Reports are served from the cache while the data has not changed (core/report_cache.py); the
# cache is shared between processes when CACHE_URL names Redis (redis://127.0.0.1:6379/1).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", default=3600)
# Every this many seconds the worker computes, if the data changed, the reports as those who read
# everything open them, so that they rarely wait (core/report_cache.py); 0 turns it off. Off by
# default when the cache is each process's own memory: the web server would not see it.
CACHE_IS_PROCESS_MEMORY = "locmem" in CACHES["default"]["BACKEND"].lower()
REPORT_REFRESH_SECONDS = env.int(
    "REPORT_REFRESH_SECONDS", default=0 if CACHE_IS_PROCESS_MEMORY else 60
)
# Excel exports of a list (…/export/) with more rows than this are refused with 400.
EXPORT_MAX_ROWS = env.int("EXPORT_MAX_ROWS", default=200_000)
# Spreadsheet imports: the largest file accepted, the sizes checked and imported within the
# request (larger ones go to the Celery worker), and the most data rows in one file.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMPORT_INLINE_BYTES = env.int("IMPORT_INLINE_BYTES", default=256 * 1024)
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=1000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=90)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "丰台发展伙伴 CRM API",
    "DESCRIPTION": "Partners, chains, chain-leader rosters, work camps and major projects.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "IndustryKindEnum": "chains.models.IndustryKind",
        "TargetStatusEnum": "chains.models.TargetStatus",
        "CarrierKindEnum": "partners.models.CarrierKind",
        "PartnerStatusEnum": "partners.models.PartnerStatus",
        "EventKindEnum": "projects.models.EventKind",
        "ProjectKindEnum": "projects.models.ProjectKind",
        "StageEnum": "projects.models.Stage",
        "RequestStatusEnum": "partners.models.engagement.RequestStatus",
        "RequestCategoryEnum": "partners.models.engagement.RequestCategory",
        "FollowUpStatusEnum": "partners.models.engagement.FollowUpStatus",
        "RecognitionCategoryEnum": "partners.models.RecognitionCategory",
    },
}

# Celery: Redis in production; kombu's filesystem transport when nothing is configured, so web,
# worker and beat cooperate on one machine with no broker server installed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "partners.tasks.send_daily_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "expired-api-tokens": {
        "task": "accounts.tasks.delete_expired_api_tokens",
        "schedule": crontab(hour=3, minute=15),
    },
}
if REPORT_REFRESH_SECONDS:
    CELERY_BEAT_SCHEDULE["refresh-reports"] = {
        "task": "core.tasks.refresh_reports",
        "schedule": REPORT_REFRESH_SECONDS,
        "options": {"expires": REPORT_REFRESH_SECONDS},  # a late one is dropped, not stacked
    }

# E-mail: the console in development, SMTP (EMAIL_URL=smtp://user:pass@host:25) in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crm@fengtai.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Demo accounts are created by load_demo only when DEBUG is on (or when asked explicitly).
DEMO_USERS_WITH_LOAD_DEMO = env.bool("DEMO_USERS_WITH_LOAD_DEMO", default=DEBUG)
