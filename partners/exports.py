"""The Excel exports of the partner, interaction, follow-up and enterprise-request lists: the
columns of each, by role where the list's serializer depends on the role."""

from collections.abc import Callable, Iterator
from operator import itemgetter
from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import can_read_all
from chains.models import ChainSegment
from core.exports import (
    CHUNK_SIZE,
    Column,
    choice_label,
    chunks,
    export_response,
    field_label,
    names,
    related_names,
)
from partners.models import ContactPerson, EnterpriseRequest, FollowUp, Interaction, Partner
from partners.validators import mask_phone

# What a partner record of the export holds (besides the relations added by partner_records).
PARTNER_FIELDS = (
    "id",
    "uscc",
    "name",
    "short_name",
    "organisation_type",
    "status",
    "carrier__name",
    "steward_id",
    "steward__full_name",
    "steward__username",
    "in_doubling_catalogue",
    "joined_on",
)


def partner_records(partners, user, *, private: bool) -> Iterator[dict]:
    """The partners as plain rows, a chunk at a time, each with its industries, segments and
    tags (one query per relation and chunk) and, when ``private``, its primary contact's name
    and phone, masked unless ``user`` may see it on that partner.

    Rows rather than model instances: at ten times district scale, building the instances and
    their prefetches made an export of 100,000 partners take minutes (docs/BENCHMARKS.md)."""
    phone_shown = _phones_shown(user)
    rows = partners.prefetch_related(None).values(*PARTNER_FIELDS)
    for chunk in chunks(rows.iterator(chunk_size=CHUNK_SIZE)):
        ids = [row["id"] for row in chunk]
        industries = related_names(Partner, "industries", ids)
        segments = related_names(
            Partner, "segments", ids, "chain__name", "name", label=ChainSegment.label
        )
        tags = related_names(Partner, "tags", ids)
        contacts = _primary_contacts(ids) if private else {}
        for row in chunk:
            pk = row["id"]
            row["steward"] = _steward(row)
            row["industries"] = industries.get(pk, [])
            row["segments"] = segments.get(pk, [])
            row["tags"] = tags.get(pk, [])
            name, phone = contacts.get(pk, ("", ""))
            row["contact_name"] = name
            row["contact_phone"] = phone if not phone or phone_shown(row) else mask_phone(phone)
            yield row


def _steward(row: dict) -> str | None:
    if row["steward_id"] is None:
        return None
    return User.display_name(row["steward__full_name"], row["steward__username"])


def _primary_contacts(partner_ids: list) -> dict:
    """Each partner's primary contact as (name, phone); the database allows one per partner."""
    primary = ContactPerson.objects.filter(partner__in=partner_ids, is_primary=True)
    return {
        partner_id: (name, phone)
        for partner_id, name, phone in primary.order_by().values_list("partner_id", "name", "phone")
    }


def _phones_shown(user) -> Callable[[dict], bool]:
    """Whether a partner's contact phones are shown in full to ``user`` (else masked,
    138****1234), by the API's rule for contacts; asked once for those who see every phone."""
    if user.has_perm("partners.view_all_contact_phones"):
        return lambda row: True

    def shown(row: dict) -> bool:
        # What the rule reads of a partner, and nothing else: a rule that came to read more
        # fails loudly here rather than reading a model's defaults.
        partner = SimpleNamespace(pk=row["id"], steward_id=row["steward_id"])
        return user.has_perm("partners.view_contact_phone", partner)

    return shown


NAME = Column(field_label(Partner, "name"), itemgetter("name"), 36)
SHORT_NAME = Column(field_label(Partner, "short_name"), itemgetter("short_name"), 14)
INDUSTRIES = Column(field_label(Partner, "industries"), itemgetter("industries"), 24)
SEGMENTS = Column(field_label(Partner, "segments"), itemgetter("segments"), 32)
CARRIER = Column(field_label(Partner, "carrier"), itemgetter("carrier__name"), 18)
TAGS = Column(field_label(Partner, "tags"), itemgetter("tags"), 24)

# What a chain-leader unit reads of every partner (PartnerDirectorySerializer).
PARTNER_DIRECTORY_COLUMNS = (NAME, SHORT_NAME, INDUSTRIES, SEGMENTS, CARRIER, TAGS)

# What those who read everything get: the list's columns (PartnerListSerializer) and the
# primary contact.
PARTNER_COLUMNS = (
    Column(field_label(Partner, "uscc"), itemgetter("uscc"), 22),
    NAME,
    SHORT_NAME,
    Column(
        field_label(Partner, "organisation_type"),
        choice_label(Partner, "organisation_type", rows=True),
        16,
    ),
    Column(field_label(Partner, "status"), choice_label(Partner, "status", rows=True), 8),
    INDUSTRIES,
    SEGMENTS,
    TAGS,
    CARRIER,
    Column(field_label(Partner, "steward"), itemgetter("steward"), 12),
    Column(field_label(Partner, "in_doubling_catalogue"), itemgetter("in_doubling_catalogue"), 12),
    Column(field_label(Partner, "joined_on"), itemgetter("joined_on"), 14),
    Column(field_label(ContactPerson, "is_primary"), itemgetter("contact_name"), 12),
    Column(_("primary contact's phone"), itemgetter("contact_phone"), 16),
)


def partner_export(partners, user):
    """The partners as a workbook: a chain-leader unit gets the directory's columns."""
    private = can_read_all(user)
    return export_response(
        partners,
        PARTNER_COLUMNS if private else PARTNER_DIRECTORY_COLUMNS,
        name="partners",
        title=Partner._meta.verbose_name_plural,
        records=partner_records(partners, user, private=private),
    )


INTERACTION_COLUMNS = (
    Column(field_label(Interaction, "occurred_at"), lambda i: i.occurred_at, 17),
    Column(field_label(Interaction, "partner"), lambda i: i.partner.name, 32),
    Column(field_label(Interaction, "kind"), choice_label(Interaction, "kind"), 10),
    Column(field_label(Interaction, "recorded_by"), lambda i: i.recorded_by, 12),
    Column(field_label(Interaction, "staff_present"), lambda i: names(i.staff_present), 20),
    Column(
        field_label(Interaction, "contacts_met"),
        lambda i: [contact.name for contact in i.contacts_met.all()],
        24,
    ),
    Column(field_label(Interaction, "summary"), lambda i: i.summary, 50),
    Column(field_label(Interaction, "outcome"), lambda i: i.outcome, 40),
    Column(field_label(Interaction, "next_follow_up_on"), lambda i: i.next_follow_up_on, 14),
)


def interaction_export(interactions):
    return export_response(
        interactions,
        INTERACTION_COLUMNS,
        name="interactions",
        title=Interaction._meta.verbose_name_plural,
    )


FOLLOW_UP_COLUMNS = (
    Column(field_label(FollowUp, "due_on"), lambda f: f.due_on, 12),
    Column(field_label(FollowUp, "partner"), lambda f: f.partner.name, 32),
    Column(field_label(FollowUp, "action"), lambda f: f.action, 40),
    Column(field_label(FollowUp, "owner"), lambda f: f.owner, 12),
    Column(field_label(FollowUp, "status"), choice_label(FollowUp, "status"), 8),
    Column(field_label(FollowUp, "closed_at"), lambda f: f.closed_at, 17),
    Column(field_label(FollowUp, "created_at"), lambda f: f.created_at, 17),
)


def follow_up_export(follow_ups):
    return export_response(
        follow_ups, FOLLOW_UP_COLUMNS, name="follow-ups", title=FollowUp._meta.verbose_name_plural
    )


# The same for every role that reads requests (EnterpriseRequestListSerializer).
REQUEST_COLUMNS = (
    Column(field_label(EnterpriseRequest, "partner"), lambda r: r.partner.name, 32),
    Column(
        field_label(EnterpriseRequest, "category"), choice_label(EnterpriseRequest, "category"), 10
    ),
    Column(field_label(EnterpriseRequest, "description"), lambda r: r.description, 50),
    Column(field_label(EnterpriseRequest, "owner_department"), lambda r: r.owner_department, 16),
    Column(field_label(EnterpriseRequest, "owner"), lambda r: r.owner, 12),
    Column(field_label(EnterpriseRequest, "raised_by"), lambda r: r.raised_by, 12),
    Column(field_label(EnterpriseRequest, "received_on"), lambda r: r.received_on, 12),
    Column(field_label(EnterpriseRequest, "deadline"), lambda r: r.deadline, 12),
    Column(field_label(EnterpriseRequest, "status"), choice_label(EnterpriseRequest, "status"), 10),
    Column(field_label(EnterpriseRequest, "resolved_at"), lambda r: r.resolved_at, 17),
    Column(field_label(EnterpriseRequest, "closed_at"), lambda r: r.closed_at, 17),
    Column(field_label(EnterpriseRequest, "satisfaction"), lambda r: r.satisfaction, 8),
    Column(field_label(EnterpriseRequest, "created_at"), lambda r: r.created_at, 17),
)


def request_export(requests):
    return export_response(
        requests,
        REQUEST_COLUMNS,
        name="requests",
        title=EnterpriseRequest._meta.verbose_name_plural,
    )
