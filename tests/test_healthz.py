"""/healthz against the real database and broker, and against unreachable ones."""

import pytest
from django.db import connection

from config.celery import app as celery_app

UNUSED_PORT = 1  # nothing listens on port 1 of this machine


@pytest.mark.django_db
def test_healthy_with_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert celery_app.conf.broker_url.startswith("redis://")


@pytest.mark.django_db
def test_broker_down_is_reported_but_pages_still_work(client, monkeypatch):
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{UNUSED_PORT}/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error")


@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503(client):
    connection.close()
    original_port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = UNUSED_PORT
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


def test_only_get_is_allowed(client):
    assert client.post("/healthz").status_code == 405
