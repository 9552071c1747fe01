"""Reads of partner data."""

from django.db.models import Prefetch, QuerySet

from partners.models import ContactPerson, Partner


def partner_by_uscc(code: str, *, exclude_pk: int | None = None) -> Partner | None:
    queryset = Partner.objects.filter(uscc=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.only("pk", "name", "uscc").first()


def partner_list_with_relations() -> QuerySet[Partner]:
    """Partners with what a list shows (carrier, steward, industries, tags, primary contact)
    loaded in a fixed number of queries whatever the page size."""
    return Partner.objects.select_related("carrier", "steward").prefetch_related(
        "industries",
        "tags",
        Prefetch(
            "contacts",
            queryset=ContactPerson.objects.filter(is_primary=True),
            to_attr="primary_contacts",
        ),
    )
