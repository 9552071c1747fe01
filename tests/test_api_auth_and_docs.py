"""Token and session authentication; the schema and its offline documentation."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication
from accounts.roles import Role, can_manage, is_staff_member
from accounts.services import api_token_create
from accounts.tasks import delete_expired_api_tokens

pytestmark = pytest.mark.django_db


def test_a_user_creates_uses_lists_and_revokes_its_own_tokens(manager, staff_user):
    session = APIClient()
    session.force_login(manager)
    created = session.post("/api/v1/tokens/")
    assert created.status_code == 201
    token, key = created.json()["token"], created.json()["token_key"]
    assert token.startswith(key)

    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert script.get("/api/v1/partners/").status_code == 200
    assert [t["token_key"] for t in session.get("/api/v1/tokens/").json()["results"]] == [key]
    assert "token" not in session.get("/api/v1/tokens/").json()["results"][0]

    other = APIClient()
    other.force_login(staff_user)
    assert other.get("/api/v1/tokens/").json()["count"] == 0
    assert other.delete(f"/api/v1/tokens/{key}/").status_code == 404

    assert session.delete(f"/api/v1/tokens/{key}/").status_code == 204
    revoked = script.get("/api/v1/partners/")
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "authentication_failed"


def test_a_wrong_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    answer = client.get("/api/v1/partners/")
    assert answer.status_code == 401
    assert answer.json()["message"] == "令牌无效。"
    english = client.get("/api/v1/partners/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"] == "Invalid token."


def expire(token_key: str) -> None:
    AuthToken.objects.filter(token_key=token_key).update(
        expiry=timezone.now() - dt.timedelta(seconds=1)
    )


def test_an_expired_token_is_refused_unlisted_and_deleted_at_night(manager):
    expired_instance, expired = api_token_create(user=manager)
    live_instance, live = api_token_create(user=manager)
    expire(expired_instance.token_key)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {expired}")
    refused = script.get("/api/v1/partners/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"

    script.credentials(HTTP_AUTHORIZATION=f"Token {live}")
    listed = script.get("/api/v1/tokens/").json()["results"]
    assert [row["token_key"] for row in listed] == [live_instance.token_key]
    # Using a token no longer deletes the user's other, expired ones: the nightly task does,
    # and leaves live tokens and those that never expire.
    assert AuthToken.objects.filter(user=manager).count() == 2
    lasting, _token = api_token_create(user=manager)
    AuthToken.objects.filter(pk=lasting.pk).update(expiry=None)
    assert delete_expired_api_tokens() == 1
    assert set(AuthToken.objects.values_list("token_key", flat=True)) == {
        live_instance.token_key,
        lasting.token_key,
    }
    schedule = settings.CELERY_BEAT_SCHEDULE["expired-api-tokens"]
    assert schedule["task"] == "accounts.tasks.delete_expired_api_tokens"


def test_a_token_is_checked_in_one_query_user_included(manager, django_assert_num_queries):
    _instance, token = api_token_create(user=manager)
    with django_assert_num_queries(1):
        user, _auth = TokenAuthentication().authenticate_credentials(token.encode())
        assert user.username == manager.username


def test_a_token_brings_its_users_roles_in_the_same_query(manager, django_assert_num_queries):
    """Every API request checks a role: on PostgreSQL it is read with the token."""
    _instance, token = api_token_create(user=manager)
    with django_assert_num_queries(1):
        user, _auth = TokenAuthentication().authenticate_credentials(token.encode())
        assert can_manage(user)
        assert not is_staff_member(user)


def test_a_users_roles_are_read_anew_by_each_request(manager):
    """Nothing keeps the roles between requests: a manager who loses the role is refused at
    once, and one without any role is authenticated but may not list partners."""
    _instance, token = api_token_create(user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/partners/").status_code == 200
    manager.groups.clear()
    refused = client.get("/api/v1/partners/")
    assert refused.status_code == 403
    manager.groups.add(Group.objects.get_or_create(name=Role.STAFF)[0])
    assert client.get("/api/v1/partners/").status_code == 200
    user, _auth = TokenAuthentication().authenticate_credentials(token.encode())
    assert is_staff_member(user)
    assert not can_manage(user)


def test_a_token_of_an_inactive_user_is_refused(manager):
    _instance, token = api_token_create(user=manager)
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/partners/").status_code == 401


def test_session_login_works_for_the_browsable_api(client, manager):
    client.force_login(manager)
    response = client.get("/api/v1/partners/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content


def test_schema_needs_login_and_validates(client, manager):
    assert client.get("/api/schema/").status_code in {401, 403}
    client.force_login(manager)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert "/api/v1/projects/{id}/advance/" in paths
    partner_list = paths["/api/v1/partners/"]["get"]
    names = {p["name"] for p in partner_list["parameters"]}
    assert {"q", "industry", "chain", "segment", "zone", "chain_leader_year", "ordering"} <= names
    assert {"400", "401", "403", "404"} <= set(partner_list["responses"])
    assert {"409", "412"} <= set(paths["/api/v1/partners/{id}/"]["patch"]["responses"])


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_load_only_local_assets(client, manager, page):
    client.force_login(manager)
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []
    assert "/static/drf_spectacular_sidecar/" in html
