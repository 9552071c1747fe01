"""A partner's detail reads its relations in its own query (``core.inline_relations``): the same
records, values and order as prefetching them, made into instances where a prefetch puts them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, connections, models
from django.db.models import Subquery
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.utils import timezone

from chains.models import ChainLeaderAppointment
from chains.selectors import roster_year
from core.inline_relations import InlineRelation, prefetches, with_inline_relations
from partners.models import ContactPerson, DoublingIndicator, Partner, PartnerChangeRequest
from partners.selectors import DETAIL_RELATIONS
from tests.factories import (
    AppointmentFactory,
    ChainFactory,
    ContactFactory,
    IndustryFactory,
    PartnerFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _values(instance) -> dict:
    """Every column of a record (``model_to_dict`` leaves out those not editable)."""
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def _related(partner) -> dict:
    """What the detail reads of a partner's relations, as plain values."""
    return {
        "industries": [_values(i) for i in partner.industries.all()],
        "tags": [_values(t) for t in partner.tags.all()],
        "segments": [(_values(s), _values(s.chain)) for s in partner.segments.all()],
        "contacts": [_values(c) for c in partner.contacts.all()],
        "appointments": [(_values(a), _values(a.chain)) for a in partner.current_appointments],
        "pending": [(_values(r), _values(r.requested_by)) for r in partner.pending_change_requests],
    }


@pytest.fixture
def busy_partner():
    """A partner with something in every relation the detail reads, in an order to keep."""
    partner = PartnerFactory(
        industries=[IndustryFactory(name="乙产业"), IndustryFactory(name="甲产业")],
        tags=[TagFactory(name="专精特新"), TagFactory(name="高新技术企业")],
    )
    first, second = ChainFactory(name="链一", position=1), ChainFactory(name="链二", position=2)
    partner.segments.set(
        [SegmentFactory(chain=second, position=1), SegmentFactory(chain=first, position=2)]
    )
    ContactFactory(partner=partner, name="乙", is_primary=False)
    ContactFactory(partner=partner, name="甲", is_primary=True)
    AppointmentFactory(partner=partner, chain=first, year=2025)
    AppointmentFactory(partner=partner, chain=second, year=2026)
    AppointmentFactory(partner=PartnerFactory(), chain=first, year=2026)  # another partner's
    requester = UserFactory()
    PartnerChangeRequest.objects.create(
        partner=partner,
        requested_by=requester,
        changes={"name": "新名称", "list": [1, "二"]},
        previous={"name": "旧名称"},
    )
    PartnerChangeRequest.objects.create(
        partner=partner,
        requested_by=requester,
        changes={},
        previous={},
        status="rejected",
        decision_reason="不符合条件",
        decided_by=requester,
        decided_at=timezone.now(),
    )
    return partner


def test_inline_relations_read_what_prefetches_read(busy_partner):
    inline = with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS).get(pk=busy_partner.pk)
    prefetched = Partner.objects.prefetch_related(*prefetches(Partner, DETAIL_RELATIONS)).get(
        pk=busy_partner.pk
    )
    read = _related(inline)
    assert read == _related(prefetched)
    assert [i["name"] for i in read["industries"]] == ["乙产业", "甲产业"]  # by position
    assert [c["name"] for c in read["contacts"]] == ["甲", "乙"]  # the primary first
    assert [chain["name"] for _segment, chain in read["segments"]] == ["链一", "链二"]
    assert [a["year"] for a, _chain in read["appointments"]] == [2026]  # this roster only
    ((pending, _requester),) = read["pending"]
    assert pending["changes"] == {"name": "新名称", "list": [1, "二"]}
    assert pending["created_at"].tzinfo is not None


def test_a_partners_detail_is_one_query_with_everything_it_shows(busy_partner):
    with CaptureQueriesContext(connection) as queries:
        partner = with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS).get(
            pk=busy_partner.pk
        )
        _related(partner)
        contacts = list(partner.contacts.all())
    assert len(queries) == 1
    assert all(contact.partner is partner for contact in contacts)
    assert partner.pending_change_requests[0].partner is partner


def test_a_relation_read_inline_still_answers_a_new_query(busy_partner):
    """The manager holds the records read, and a filter on it asks the database, as after a
    prefetch."""
    partner = with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS).get(pk=busy_partner.pk)
    assert [c.name for c in partner.contacts.filter(is_primary=False)] == ["乙"]
    assert partner.industries.count() == 2


def test_a_partner_without_relations_reads_empty_ones():
    partner = with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS).get(
        pk=PartnerFactory().pk
    )
    assert _related(partner) == {key: [] for key in _related(partner)}


def test_decimals_and_dates_keep_their_exact_values():
    partner = PartnerFactory()
    DoublingIndicator.objects.create(
        partner=partner,
        year=2024,
        revenue=Decimal("1200.50"),
        tax=Decimal("0.01"),
        rd_spending=Decimal("99999999.99"),
        employees=130,
    )
    relations = (InlineRelation("doubling_indicators"),)
    inline = with_inline_relations(Partner.objects.all(), relations).get(pk=partner.pk)
    (indicator,) = inline.doubling_indicators.all()
    stored = DoublingIndicator.objects.get(partner=partner)
    assert _values(indicator) == _values(stored)
    assert str(indicator.revenue) == str(stored.revenue)
    assert isinstance(indicator.created_at, dt.datetime)


def test_a_narrowed_relation_reads_only_its_records(busy_partner):
    relations = (
        InlineRelation(
            "chain_leader_appointments",
            queryset=ChainLeaderAppointment.objects.filter(year=Subquery(roster_year())),
            to_attr="now",
        ),
    )
    partner = with_inline_relations(Partner.objects.all(), relations).get(pk=busy_partner.pk)
    assert [a.year for a in partner.now] == [2026]
    assert model_to_dict(partner.now[0]) == model_to_dict(
        ChainLeaderAppointment.objects.get(partner=busy_partner, year=2026)
    )


def test_an_empty_key_among_the_related_records_reads_as_none(busy_partner):
    relations = (InlineRelation("change_requests", related=("decided_by",)),)
    partner = with_inline_relations(Partner.objects.all(), relations).get(pk=busy_partner.pk)
    decided = {r.status: r.decided_by for r in partner.change_requests.all()}
    assert decided["pending"] is None
    assert _values(decided["rejected"]) == _values(
        PartnerChangeRequest.objects.get(partner=busy_partner, status="rejected").decided_by
    )


def test_a_distinct_query_reads_its_relations_too(busy_partner):
    """``DISTINCT`` compares whole rows, relations included (``json`` arrays could not be)."""
    plain = with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS)
    distinct = with_inline_relations(Partner.objects.distinct(), DETAIL_RELATIONS)
    read = _related(distinct.get(pk=busy_partner.pk))
    assert read == _related(plain.get(pk=busy_partner.pk))
    assert len(read["contacts"]) == 2


def test_elsewhere_than_postgresql_the_relations_are_prefetched(busy_partner, monkeypatch):
    """The embedded SQLite database's way, taken here by a connection that says it is not
    PostgreSQL: a query per relation, and the same records."""
    expected = _related(
        with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS).get(pk=busy_partner.pk)
    )
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with CaptureQueriesContext(connection) as queries:
        partner = with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS).get(
            pk=busy_partner.pk
        )
        read = _related(partner)
    assert read == expected
    assert len(queries) == 1 + len(DETAIL_RELATIONS)


def test_a_change_through_the_manager_empties_what_was_read(busy_partner):
    """As after a prefetch: the manager's add or create forgets the records read with the
    partner, so that the next read asks the database."""
    partner = with_inline_relations(Partner.objects.all(), DETAIL_RELATIONS).get(pk=busy_partner.pk)
    added = IndustryFactory(name="丙产业")
    partner.industries.add(added)
    partner.contacts.create(name="丙", phone="13900009999")
    assert added in partner.industries.all()
    assert "丙" in [contact.name for contact in partner.contacts.all()]


@pytest.mark.parametrize(
    ("relation", "message"),
    [
        (InlineRelation("name"), "neither a many-to-many field nor a reverse key"),
        (InlineRelation("steward"), "neither a many-to-many field nor a reverse key"),
        (InlineRelation("tags", to_attr="tag_list"), "read whole"),
        (
            InlineRelation(
                "change_requests",
                queryset=PartnerChangeRequest.objects.select_related("requested_by"),
            ),
            "may only filter and order",
        ),
        (
            InlineRelation("contacts", queryset=ContactPerson.objects.only("name")),
            "may only filter and order",
        ),
    ],
)
def test_a_relation_that_cannot_be_read_inline_is_refused(relation, message):
    with pytest.raises(ValueError, match=message):
        with_inline_relations(Partner.objects.all(), (relation,))


class _ShoutingField(models.CharField):
    """A field that changes what it reads: JSON would skip the change."""

    def from_db_value(self, value, expression, connection):
        return value.upper()


@isolate_apps("partners")
@pytest.mark.parametrize(
    ("column", "related_name", "message"),
    [
        (models.BinaryField(), "items", "cannot be read from JSON"),
        (_ShoutingField(max_length=10), "items", "cannot be read from JSON"),
        (models.CharField(max_length=10), None, "name the reverse key by its accessor"),
    ],
)
def test_a_record_that_json_would_not_give_back_is_refused(column, related_name, message):
    class Owner(models.Model):  # noqa: DJ008 - a model of this test only
        class Meta:
            app_label = "partners"

    class Item(models.Model):  # noqa: DJ008 - a model of this test only
        owner = models.ForeignKey(Owner, models.CASCADE, related_name=related_name)
        value = column

        class Meta:
            app_label = "partners"

    with pytest.raises(ValueError, match=message):
        with_inline_relations(
            Owner.objects.all(), (InlineRelation("items" if related_name else "item"),)
        )
