import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chains.models import ChainLeaderAppointment, TargetCompany
from chains.services import (
    appointment_create,
    industry_check_parent,
    segments_define,
    target_company_create,
)
from partners.models import Partner
from tests.factories import (
    AppointmentFactory,
    ChainFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db


def test_a_partner_can_lead_several_chains_and_a_chain_have_several_leaders():
    partner, other = PartnerFactory(), PartnerFactory()
    rail, space = ChainFactory(), ChainFactory()
    appointment_create(partner=partner, chain=rail, year=2024)
    appointment_create(partner=partner, chain=space, year=2024)
    appointment_create(partner=other, chain=rail, year=2024)
    appointment_create(partner=partner, chain=rail, year=2025)
    assert ChainLeaderAppointment.objects.count() == 4


def test_the_same_partner_chain_and_year_only_once():
    appointment = AppointmentFactory()
    with pytest.raises(ValidationError) as info:
        appointment_create(partner=appointment.partner, chain=appointment.chain, year=2024)
    assert info.value.messages == ["该单位在该年度已是此产业链的链长单位。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(partner=appointment.partner, chain=appointment.chain, year=2024)


def test_a_withdrawn_partner_cannot_be_appointed():
    partner = PartnerFactory(status=Partner.Status.WITHDRAWN, name="已退出有限公司")
    with pytest.raises(ValidationError) as info:
        appointment_create(partner=partner, chain=ChainFactory(), year=2024)
    error = info.value.error_dict["partner"][0]
    assert error.code == "partner_withdrawn"
    assert "已退出有限公司" in error.messages[0]
    assert not ChainLeaderAppointment.objects.exists()


@pytest.mark.parametrize("year", [1999, 2101])
def test_roster_year_out_of_range_is_refused(year):
    with pytest.raises(ValidationError):
        appointment_create(partner=PartnerFactory(), chain=ChainFactory(), year=year)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(year=year)


def test_segments_keep_their_order_and_are_not_duplicated():
    chain = ChainFactory()
    names = ["规划设计", "工程建设", "装备研制", "运营服务", "控制"]
    segments_define(chain=chain, names=names)
    segments_define(chain=chain, names=names)
    assert list(chain.segments.values_list("name", flat=True)) == names


def test_target_company_code_is_optional_but_validated():
    segment = SegmentFactory()
    target_company_create(segment=segment, name="目标甲")
    with pytest.raises(ValidationError) as info:
        target_company_create(segment=segment, name="目标乙", uscc="914403001922038217")
    assert info.value.error_dict["uscc"][0].code == "uscc_check_digit"
    assert list(TargetCompany.objects.values_list("name", flat=True)) == ["目标甲"]


def test_the_industry_tree_refuses_cycles():
    aerospace = IndustryFactory(name="航天航空")
    commercial = IndustryFactory(name="商业航天", parent=aerospace)
    satellite = IndustryFactory(name="卫星互联网", parent=commercial)
    industry_check_parent(satellite, commercial)
    with pytest.raises(ValidationError) as info:
        industry_check_parent(aerospace, satellite)
    assert info.value.error_dict["parent"][0].code == "industry_cycle"
    with pytest.raises(ValidationError):
        industry_check_parent(aerospace, aerospace)
