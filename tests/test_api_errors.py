"""One error format for every 4xx, in Chinese by default and English on request; bad input of
any kind is a 4xx, never a 500."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PartnerFactory, sample_code

pytestmark = pytest.mark.django_db

PARTNERS = "/api/v1/partners/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def test_anonymous_gets_401_with_a_challenge():
    response = APIClient().get(PARTNERS)
    assert_error(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_messages_are_chinese_by_default_and_english_on_request():
    chinese = APIClient().get(PARTNERS).json()["message"]
    english = APIClient().get(PARTNERS, HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert chinese == "身份认证信息未提供。"
    assert english == "Authentication credentials were not provided."


def test_validation_errors_name_each_field_with_a_code(api):
    body = assert_error(
        api.post(PARTNERS, {"uscc": "12345", "organisation_type": "bogus"}, format="json"),
        400,
        "validation_error",
    )
    assert body["message"] == "提交的数据有误。"
    assert body["fields"]["organisation_type"][0]["code"] == "invalid_choice"
    assert body["fields"]["name"][0]["code"] == "required"


def test_service_validation_is_reported_in_the_same_format(api):
    data = {
        "uscc": "914403001922038217",
        "name": "x",
        "organisation_type": "private",
        "joined_on": "2024-01-01",
    }
    body = assert_error(api.post(PARTNERS, data, format="json"), 400, "validation_error")
    assert body["fields"]["uscc"] == [
        {"code": "uscc_check_digit", "message": "校验位错误：应为“6”，实为“7”。"}
    ]


def test_duplicate_code_is_a_conflict_naming_the_existing_partner(api):
    existing = PartnerFactory(uscc=sample_code(5))
    data = {
        "uscc": sample_code(5),
        "name": "x",
        "organisation_type": "private",
        "joined_on": "2024-01-01",
    }
    body = assert_error(api.post(PARTNERS, data, format="json"), 409, "conflict")
    assert body["existing_id"] == existing.pk
    assert body["fields"]["uscc"][0]["code"] == "uscc_duplicate"


def test_malformed_json_is_400(api):
    response = api.generic("POST", PARTNERS, "{not json", content_type="application/json")
    assert_error(response, 400, "malformed_request")


def test_wrong_media_type_is_415(api):
    response = api.generic("POST", PARTNERS, "name=x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_oversized_body_is_413(api):
    huge = '{"name": "' + "字" * (4 * 1024 * 1024) + '"}'
    response = api.generic("POST", PARTNERS, huge, content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def test_a_long_string_under_the_size_limit_is_a_field_error(api):
    response = api.post(PARTNERS, {"name": "名" * 100_000}, format="json")
    body = assert_error(response, 400, "validation_error")
    assert body["fields"]["name"][0]["code"] == "max_length"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("industry=abc", "industry"),
        ("industry=999999", "industry"),
        ("joined_after=yesterday", "joined"),
        ("chain_leader_year=99999", "chain_leader_year"),
        ("page_size=abc", None),
    ],
)
def test_bad_filter_values_are_400(api, query, field):
    response = api.get(f"{PARTNERS}?{query}")
    if field is None:
        assert response.status_code == 200  # an unreadable page size falls back to the default
        return
    body = assert_error(response, 400, "validation_error")
    assert field in body["fields"]


def test_unknown_ordering_is_400(api):
    body = assert_error(api.get(f"{PARTNERS}?ordering=password"), 400, "validation_error")
    assert body["fields"]["ordering"][0]["code"] == "invalid_ordering"


def test_huge_page_number_is_404_and_page_size_is_capped(api):
    assert_error(api.get(f"{PARTNERS}?page=99999999999999999999"), 404, "not_found")
    PartnerFactory.create_batch(3)
    assert api.get(f"{PARTNERS}?page_size=100000").status_code == 200


def test_missing_record_is_404(api):
    assert_error(api.get(f"{PARTNERS}999999/"), 404, "not_found")


def test_bad_if_match_is_400(api):
    partner = PartnerFactory()
    response = api.patch(f"{PARTNERS}{partner.pk}/", {"name": "x"}, HTTP_IF_MATCH='"abc"')
    assert_error(response, 400, "validation_error")


def test_method_not_allowed_is_405(api):
    assert_error(api.post("/api/v1/stage-changes/", {}), 405, "method_not_allowed")
