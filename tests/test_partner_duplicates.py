"""Duplicate warnings: a partner whose name is very like an existing one's (or whose code is
taken) shows the candidates before it is saved; the user confirms to save it all the same."""

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from partners.duplicates import core_name, partner_duplicate_candidates
from partners.models import Partner
from partners.services import PossibleDuplicatePartner, partner_create
from tests.factories import PartnerFactory, UserFactory, sample_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/partners/"
DUPLICATES = "/api/v1/partners/duplicates/"
JD = "北京京东世纪贸易有限公司"
JD_ALIKE = "北京京东世纪贸易有限责任公司"


@pytest.fixture
def jd(db):
    return PartnerFactory(name=JD, short_name="京东", uscc=sample_code(1))


def new_partner(name: str, serial: int = 2, **extra) -> dict:
    return {
        "uscc": sample_code(serial),
        "name": name,
        "organisation_type": "private",
        "joined_on": "2024-01-02",
        **extra,
    }


@pytest.mark.parametrize(
    ("name", "core"),
    [
        (JD, "京东世纪贸易"),
        (JD_ALIKE, "京东世纪贸易"),
        ("北京市丰台区京东世纪贸易股份有限公司", "京东世纪贸易"),
        ("中铁建工集团有限公司北京分公司", "中铁建工"),
        ("联想（北京）有限公司", "联想"),
        ("北京有限公司", "北京"),
        ("BOE Technology", "boetechnology"),
    ],
)
def test_the_core_name_drops_region_organisation_form_and_brackets(name, core):
    assert core_name(name) == core


def test_a_very_similar_name_answers_409_with_the_candidates_and_saves_nothing(api, jd):
    response = api.post(URL, new_partner(JD_ALIKE))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicate"
    assert body["message"]
    assert body["candidates"] == [
        {
            "id": jd.pk,
            "name": JD,
            "short_name": "京东",
            "uscc": jd.uscc,
            "reason": "same_core_name",
            "similarity": 1.0,
            "archived": False,
        }
    ]
    assert not Partner.objects.filter(name=JD_ALIKE).exists()


def test_confirming_the_duplicate_creates_the_partner(api, jd):
    response = api.post(URL, new_partner(JD_ALIKE, confirm_duplicate=True))
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == JD_ALIKE
    assert "confirm_duplicate" not in response.json()


def test_a_taken_code_is_still_the_uscc_conflict_even_when_confirmed(api, jd):
    response = api.post(URL, new_partner("全新名称科技有限公司", serial=1, confirm_duplicate=True))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["fields"]["uscc"][0]["code"] == "uscc_duplicate"
    assert body["existing_id"] == jd.pk


def test_a_clearly_different_name_is_created_without_a_warning(api, jd):
    response = api.post(URL, new_partner("交控科技股份有限公司"))
    assert response.status_code == 201, response.json()


def test_the_candidates_endpoint_finds_same_code_same_core_and_similar_names(api, jd):
    similar = PartnerFactory(name="北京京东世纪贸易发展有限公司", short_name="")
    PartnerFactory(name="北京京西世纪商贸有限公司", short_name="")
    body = api.get(DUPLICATES, {"name": JD_ALIKE}).json()
    assert [(c["id"], c["reason"]) for c in body["candidates"]] == [
        (jd.pk, "same_core_name"),
        (similar.pk, "similar_name"),
    ]
    assert 0.85 <= body["candidates"][1]["similarity"] < 1
    by_code = api.get(DUPLICATES, {"name": "", "uscc": f" {jd.uscc.lower()} "}).json()
    by_code = by_code["candidates"]
    assert [(c["id"], c["reason"]) for c in by_code] == [(jd.pk, "same_uscc")]


def test_a_clearly_different_name_has_no_candidates(api, jd):
    for name in ("交控科技股份有限公司", "北京京东方科技集团股份有限公司", "北京有限公司"):
        assert api.get(DUPLICATES, {"name": name}).json() == {"candidates": []}, name


def test_a_difference_in_the_middle_of_a_long_name_is_caught():
    PartnerFactory(name="北京城建集团第一建设工程有限公司", short_name="")
    [candidate] = partner_duplicate_candidates("北京城建集团第二建设工程有限公司")
    assert candidate.reason == "similar_name"


def test_an_archived_partner_is_a_candidate_and_says_so(api, jd):
    Partner.objects.filter(pk=jd.pk).update(archived_at=jd.created_at)
    [candidate] = api.get(DUPLICATES, {"name": JD_ALIKE}).json()["candidates"]
    assert candidate["archived"] is True


def test_a_partner_being_edited_is_not_its_own_duplicate(api, jd):
    assert api.get(DUPLICATES, {"name": JD, "exclude": jd.pk}).json() == {"candidates": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "non_field_errors"),
        ({"name": "  "}, "non_field_errors"),
        ({"name": "京" * 129}, "name"),
        ({"name": JD, "exclude": "x"}, "exclude"),
    ],
)
def test_the_candidates_endpoint_needs_a_name_or_a_code(api, params, field):
    response = api.get(DUPLICATES, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_no_name_or_code_answers_a_stable_code(api):
    body = api.get(DUPLICATES).json()
    assert body["fields"]["non_field_errors"][0]["code"] == "name_or_uscc_required"


@pytest.mark.parametrize(("role", "status"), [(Role.STAFF, 200), (Role.AUDITOR, 403)])
def test_staff_and_above_may_check_for_duplicates(db, role, status):
    client = APIClient()
    client.force_authenticate(UserFactory(roles=[role]))
    assert client.get(DUPLICATES, {"name": JD}).status_code == status


def test_the_service_raises_with_the_candidates_unless_confirmed(jd, manager):
    fields = {"uscc": sample_code(3), "name": JD_ALIKE, "organisation_type": "private"}
    with pytest.raises(PossibleDuplicatePartner) as raised:
        partner_create(actor=manager, joined_on="2024-01-02", **fields)
    assert [candidate.id for candidate in raised.value.candidates] == [jd.pk]
    created = partner_create(
        actor=manager, joined_on="2024-01-02", confirm_duplicate=True, **fields
    )
    assert created.name == JD_ALIKE


def test_renaming_a_partner_is_not_held_up_by_the_warning(api, jd):
    other = PartnerFactory(name="示例贸易有限公司", short_name="")
    response = api.patch(f"{URL}{other.pk}/", {"name": JD_ALIKE, "confirm_duplicate": False})
    assert response.status_code == 200, response.json()
