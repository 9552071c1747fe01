"""Creating and editing partners: bad input is refused with a clear message and nothing saved."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partners.models import ContactPerson, Partner
from partners.services import contact_create, partner_create, partner_update
from tests.factories import ContactFactory, IndustryFactory, PartnerFactory, sample_code

pytestmark = pytest.mark.django_db

BAD_CHECK = "914403001922038217"  # 华为's code with a wrong check character (6 is right)


def create(actor=None, **overrides):
    fields = {
        "uscc": sample_code(1),
        "name": "北京示例轨道交通科技有限公司",
        "organisation_type": Partner.OrganisationType.PRIVATE,
        "joined_on": dt.date(2023, 3, 30),
    }
    return partner_create(actor=actor, **(fields | overrides))


def field_errors(info) -> dict:
    return {field: [e.code for e in errors] for field, errors in info.value.error_dict.items()}


def test_create_normalises_the_code_and_sets_relations():
    industry = IndustryFactory(name="轨道交通")
    partner = create(uscc=f"  {sample_code(1).lower()} ", industries=[industry])
    assert partner.uscc == sample_code(1)
    assert list(partner.industries.all()) == [industry]
    assert partner.uscc_check_overridden_by is None


@pytest.mark.parametrize(
    ("uscc", "code"),
    [
        ("12345", "uscc_length"),
        ("91440300I922038216", "uscc_character"),
        (BAD_CHECK, "uscc_check_digit"),
    ],
)
def test_bad_code_is_refused_and_nothing_saved(uscc, code):
    with pytest.raises(ValidationError) as info:
        create(uscc=uscc)
    assert field_errors(info) == {"uscc": [code]}
    assert not Partner.objects.exists()


def test_duplicate_code_names_the_existing_partner():
    existing = PartnerFactory(uscc=sample_code(1), name="已登记的伙伴有限公司")
    with pytest.raises(ValidationError) as info:
        create(uscc=sample_code(1).lower())
    error = info.value.error_dict["uscc"][0]
    assert error.code == "uscc_duplicate"
    assert error.params == {"name": "已登记的伙伴有限公司", "id": existing.pk}
    assert "已登记的伙伴有限公司" in error.messages[0]
    assert Partner.objects.count() == 1


def test_database_refuses_a_duplicate_code_even_past_the_service():
    PartnerFactory(uscc=sample_code(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(uscc=sample_code(1))


def test_negative_registered_capital_is_refused():
    with pytest.raises(ValidationError) as info:
        create(registered_capital=Decimal("-1"))
    assert "registered_capital" in info.value.error_dict
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"uscc": "not-a-code"},
        {"uscc": "91440300I922038216"},
        {"registered_capital": Decimal("-5")},
        {"status": "bogus"},
        {"organisation_type": "bogus"},
    ],
)
def test_database_refuses_what_the_services_refuse(bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(**bad)


def test_staff_cannot_override_a_wrong_check_character(staff_user):
    with pytest.raises(ValidationError) as info:
        create(actor=staff_user, uscc=BAD_CHECK, override_check_digit=True)
    assert field_errors(info) == {"uscc": ["uscc_override_forbidden"]}
    assert not Partner.objects.exists()


def test_manager_override_of_check_character_is_recorded(manager):
    partner = create(actor=manager, uscc=BAD_CHECK, override_check_digit=True)
    partner.refresh_from_db()
    assert partner.uscc == BAD_CHECK
    assert partner.uscc_check_overridden_by == manager
    assert partner.uscc_check_overridden_at is not None


def test_override_never_excuses_a_malformed_code(manager):
    with pytest.raises(ValidationError) as info:
        create(actor=manager, uscc="91440300I922038217", override_check_digit=True)
    assert field_errors(info) == {"uscc": ["uscc_character"]}


def test_an_accepted_code_stays_accepted_when_other_fields_change(manager, staff_user):
    partner = create(actor=manager, uscc=BAD_CHECK, override_check_digit=True)
    partner_update(partner=partner, actor=staff_user, address="丰台区丽泽路18号")
    partner.refresh_from_db()
    assert partner.address == "丰台区丽泽路18号"
    assert partner.uscc_check_overridden_by == manager  # still the manager's judgement


def test_correcting_an_overridden_code_clears_the_override(manager):
    partner = create(actor=manager, uscc=BAD_CHECK, override_check_digit=True)
    partner_update(partner=partner, actor=manager, uscc="914403001922038216")
    partner.refresh_from_db()
    assert partner.uscc_check_overridden_by is None
    assert partner.uscc_check_overridden_at is None


def test_update_to_another_partners_code_is_refused_and_nothing_changes():
    other = PartnerFactory(uscc=sample_code(2))
    partner = create()
    with pytest.raises(ValidationError) as info:
        partner_update(partner=partner, actor=None, uscc=other.uscc, name="改了名字")
    assert field_errors(info) == {"uscc": ["uscc_duplicate"]}
    partner.refresh_from_db()
    assert partner.name == "北京示例轨道交通科技有限公司"


@pytest.mark.parametrize("phone", ["12345", "1381234567", "138-1234-56789", "电话"])
def test_malformed_phone_is_refused(phone):
    partner = PartnerFactory()
    with pytest.raises(ValidationError) as info:
        contact_create(partner=partner, name="张三", phone=phone)
    assert [e.code for e in info.value.error_dict["phone"]] == ["phone_invalid"]
    assert not ContactPerson.objects.exists()


@pytest.mark.parametrize("phone", ["13812345678", "+8613812345678", "010-63812345", "63812345-802"])
def test_mobile_and_landline_numbers_are_accepted(phone):
    contact = contact_create(partner=PartnerFactory(), name="张三", phone=phone)
    assert contact.phone == phone


def test_a_new_primary_contact_takes_over():
    partner = PartnerFactory()
    first = ContactFactory(partner=partner, is_primary=True)
    second = contact_create(partner=partner, name="李四", is_primary=True)
    first.refresh_from_db()
    assert not first.is_primary
    assert second.is_primary


def test_database_allows_one_primary_contact_per_partner():
    partner = PartnerFactory()
    ContactFactory(partner=partner, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(partner=partner, is_primary=True)
