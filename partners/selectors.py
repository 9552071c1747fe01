"""Reads of partner data, scoped to what the user may see."""

from django.db.models import Prefetch, QuerySet

from accounts.roles import can_manage, can_read_all, is_chain_leader, is_staff_member
from chains.models import ChainLeaderAppointment, ChainSegment
from chains.selectors import roster_current_year
from core.selectors import filter_archived
from partners.models import ContactPerson, Partner, PartnerChangeRequest, Recognition


def partner_by_uscc(code: str, *, exclude_pk: int | None = None) -> Partner | None:
    queryset = Partner.objects.filter(uscc=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.only("pk", "name", "uscc").first()


def partner_list(user, *, archived: bool | None = False) -> QuerySet[Partner]:
    """Every role reads the partner list (a chain-leader unit as a directory); a fixed number
    of queries whatever the page."""
    queryset = Partner.objects.select_related("carrier", "steward").prefetch_related(
        "industries",
        "tags",
        Prefetch("segments", queryset=ChainSegment.objects.select_related("chain")),
    )
    return filter_archived(queryset, archived)


def partner_list_with_relations() -> QuerySet[Partner]:
    """The admin's list: a list row plus the primary contact."""
    return Partner.objects.select_related("carrier", "steward").prefetch_related(
        "industries",
        "tags",
        Prefetch(
            "contacts",
            queryset=ContactPerson.objects.filter(is_primary=True),
            to_attr="primary_contacts",
        ),
    )


def partner_detail(user) -> QuerySet[Partner]:
    """One partner with contacts, segments, its event, the current roster's appointments and
    any pending change request (archived ones included, so that they can be restored)."""
    return (
        partner_list(user, archived=None)
        .select_related("joined_at_event")
        .prefetch_related(
            Prefetch("contacts", queryset=ContactPerson.objects.select_related("partner")),
            Prefetch(
                "chain_leader_appointments",
                queryset=ChainLeaderAppointment.objects.filter(
                    year=roster_current_year() or 0
                ).select_related("chain"),
                to_attr="current_appointments",
            ),
            Prefetch(
                "change_requests",
                queryset=PartnerChangeRequest.objects.filter(status="pending"),
                to_attr="pending_change_requests",
            ),
        )
    )


def contact_list(user) -> QuerySet[ContactPerson]:
    """All contact persons for those who read everything; a chain-leader unit its own."""
    queryset = ContactPerson.objects.select_related("partner")
    if can_read_all(user):
        return queryset
    if is_chain_leader(user):
        return queryset.filter(partner_id=user.partner_id)
    return queryset.none()


def recognition_list(user) -> QuerySet[Recognition]:
    queryset = Recognition.objects.select_related("partner")
    return queryset if can_read_all(user) else queryset.none()


def change_request_list(user) -> QuerySet[PartnerChangeRequest]:
    """Managers see every request, staff those of the partners they steward, a chain-leader
    unit its own."""
    queryset = PartnerChangeRequest.objects.select_related("partner", "requested_by", "decided_by")
    if can_manage(user):
        return queryset
    if is_staff_member(user):
        return queryset.filter(partner__steward=user)
    if is_chain_leader(user):
        return queryset.filter(partner_id=user.partner_id)
    return queryset.none()
