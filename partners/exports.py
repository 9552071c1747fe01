"""The Excel exports of the partner, interaction, follow-up and enterprise-request lists: the
columns of each, by role where the list's serializer depends on the role."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_read_all
from core.exports import Column, export_response, field_label, names
from partners.models import ContactPerson, EnterpriseRequest, FollowUp, Interaction, Partner
from partners.validators import mask_phone


def _primary_contact(partner) -> ContactPerson | None:
    return partner.primary_contacts[0] if partner.primary_contacts else None


def _primary_contact_name(partner) -> str:
    contact = _primary_contact(partner)
    return contact.name if contact else ""


def _primary_contact_phone(user):
    """The primary contact's phone, masked (138****1234) unless the user may see it in full on
    that partner: the same rule as the API's contacts, evaluated on the record in memory."""

    def value(partner) -> str:
        contact = _primary_contact(partner)
        if contact is None:
            return ""
        if user.has_perm("partners.view_contact_phone", partner):
            return contact.phone
        return mask_phone(contact.phone)

    return value


NAME = Column(field_label(Partner, "name"), lambda p: p.name, 36)
SHORT_NAME = Column(field_label(Partner, "short_name"), lambda p: p.short_name, 14)
INDUSTRIES = Column(field_label(Partner, "industries"), lambda p: names(p.industries), 24)
SEGMENTS = Column(field_label(Partner, "segments"), lambda p: names(p.segments), 32)
CARRIER = Column(field_label(Partner, "carrier"), lambda p: p.carrier, 18)
TAGS = Column(field_label(Partner, "tags"), lambda p: names(p.tags), 24)

# What a chain-leader unit reads of every partner (PartnerDirectorySerializer).
PARTNER_DIRECTORY_COLUMNS = (NAME, SHORT_NAME, INDUSTRIES, SEGMENTS, CARRIER, TAGS)


def partner_columns(user) -> tuple[Column, ...]:
    """A chain-leader unit exports the directory; those who read everything the list's columns
    (PartnerListSerializer) and the primary contact."""
    if not can_read_all(user):
        return PARTNER_DIRECTORY_COLUMNS
    return (
        Column(field_label(Partner, "uscc"), lambda p: p.uscc, 22),
        NAME,
        SHORT_NAME,
        Column(
            field_label(Partner, "organisation_type"),
            lambda p: p.get_organisation_type_display(),
            16,
        ),
        Column(field_label(Partner, "status"), lambda p: p.get_status_display(), 8),
        INDUSTRIES,
        SEGMENTS,
        TAGS,
        CARRIER,
        Column(field_label(Partner, "steward"), lambda p: p.steward, 12),
        Column(
            field_label(Partner, "in_doubling_catalogue"), lambda p: p.in_doubling_catalogue, 12
        ),
        Column(field_label(Partner, "joined_on"), lambda p: p.joined_on, 14),
        Column(field_label(ContactPerson, "is_primary"), _primary_contact_name, 12),
        Column(_("primary contact's phone"), _primary_contact_phone(user), 16),
    )


def partner_export(partners, user):
    """The partners as a workbook; the primary contacts come with each chunk of partners (one
    query per chunk), for those whose columns show them."""
    if can_read_all(user):
        partners = partners.prefetch_related(
            Prefetch(
                "contacts",
                queryset=ContactPerson.objects.filter(is_primary=True),
                to_attr="primary_contacts",
            )
        )
    return export_response(
        partners, partner_columns(user), name="partners", title=Partner._meta.verbose_name_plural
    )


INTERACTION_COLUMNS = (
    Column(field_label(Interaction, "occurred_at"), lambda i: i.occurred_at, 17),
    Column(field_label(Interaction, "partner"), lambda i: i.partner.name, 32),
    Column(field_label(Interaction, "kind"), lambda i: i.get_kind_display(), 10),
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
    Column(field_label(FollowUp, "status"), lambda f: f.get_status_display(), 8),
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
    Column(field_label(EnterpriseRequest, "category"), lambda r: r.get_category_display(), 10),
    Column(field_label(EnterpriseRequest, "description"), lambda r: r.description, 50),
    Column(field_label(EnterpriseRequest, "owner_department"), lambda r: r.owner_department, 16),
    Column(field_label(EnterpriseRequest, "owner"), lambda r: r.owner, 12),
    Column(field_label(EnterpriseRequest, "raised_by"), lambda r: r.raised_by, 12),
    Column(field_label(EnterpriseRequest, "received_on"), lambda r: r.received_on, 12),
    Column(field_label(EnterpriseRequest, "deadline"), lambda r: r.deadline, 12),
    Column(field_label(EnterpriseRequest, "status"), lambda r: r.get_status_display(), 10),
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
