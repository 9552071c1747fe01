"""Login, lockout, logout, password change, the language switch and the error pages, as people
see them: in Chinese by default, English on request."""

import pytest
from django.utils import translation

from accounts.roles import Role
from core.templatetags.crm import wan, yi
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def _login(client, username, password=PASSWORD, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9"
    )


def test_logging_in_leads_to_the_workbench(client):
    UserFactory(username="wangwu", roles=[Role.STAFF])
    response = _login(client, "wangwu")
    assert (response.status_code, response.url) == (302, "/")
    assert "工作台" in client.get("/").content.decode()


def test_a_wrong_password_says_so_in_chinese(client):
    UserFactory(username="wangwu")
    response = _login(client, "wangwu", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_five_failures_show_the_lockout_page(client):
    UserFactory(username="zhaoliu")
    for _ in range(5):
        response = _login(client, "zhaoliu", "wrong")
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert _login(client, "zhaoliu").status_code == 429


def test_logging_out_takes_a_post(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    assert client.post("/accounts/logout/").url == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_changing_the_password(client):
    user = UserFactory(roles=[Role.STAFF])
    client.force_login(user)
    assert "修改密码" in client.get("/accounts/password/").content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "丰台-新密码-2026",
            "new_password2": "丰台-新密码-2026",
        },
    )
    assert response.url == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password("丰台-新密码-2026")
    too_short = client.post(
        "/accounts/password/",
        {"old_password": "丰台-新密码-2026", "new_password1": "abc", "new_password2": "abc"},
    )
    assert too_short.status_code == 200
    assert 'role="alert"' in too_short.content.decode()


def test_the_language_switch_gives_english(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Workbench" in client.get("/").content.decode()


def test_the_error_pages_are_in_chinese(client):
    client.force_login(UserFactory(roles=[Role.CHAIN_LEADER], partner=None))
    forbidden = client.get("/partners/")
    assert forbidden.status_code == 403
    assert "无权访问" in forbidden.content.decode()
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()


def test_amounts_are_written_as_chinese_offices_write_them():
    with translation.override("zh-hans"):
        _amounts_in_chinese()


def _amounts_in_chinese():
    assert yi("12.5") == "12.50 亿元"
    assert wan(32000) == "32000.00 万元"  # zh-hans writes no thousands separator
    assert yi(None) == wan("") == "—"
