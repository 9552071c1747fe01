"""Reads of partner data."""

from django.db.models import Prefetch, QuerySet

from chains.models import ChainLeaderAppointment, ChainSegment
from chains.selectors import roster_current_year
from partners.models import ContactPerson, Partner, Recognition


def partner_by_uscc(code: str, *, exclude_pk: int | None = None) -> Partner | None:
    queryset = Partner.objects.filter(uscc=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.only("pk", "name", "uscc").first()


def partner_list() -> QuerySet[Partner]:
    """Partners with what a list row shows, in a fixed number of queries whatever the page."""
    return Partner.objects.select_related("carrier", "steward").prefetch_related(
        "industries", "tags"
    )


def partner_list_with_relations() -> QuerySet[Partner]:
    """The admin's list: a list row plus the primary contact."""
    return partner_list().prefetch_related(
        Prefetch(
            "contacts",
            queryset=ContactPerson.objects.filter(is_primary=True),
            to_attr="primary_contacts",
        ),
    )


def partner_detail() -> QuerySet[Partner]:
    """One partner with contacts, segments, its event and the current roster's appointments."""
    return (
        partner_list()
        .select_related("joined_at_event")
        .prefetch_related(
            "contacts",
            Prefetch("segments", queryset=ChainSegment.objects.select_related("chain")),
            Prefetch(
                "chain_leader_appointments",
                queryset=ChainLeaderAppointment.objects.filter(
                    year=roster_current_year() or 0
                ).select_related("chain"),
                to_attr="current_appointments",
            ),
        )
    )


def contact_list() -> QuerySet[ContactPerson]:
    return ContactPerson.objects.all()


def recognition_list() -> QuerySet[Recognition]:
    return Recognition.objects.select_related("partner")
