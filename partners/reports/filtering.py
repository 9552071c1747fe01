"""The report filters that select partners (industry and below, chain, steward, functional
zone), as one condition on whatever model the report counts: partners themselves or records
that point at a partner."""

from django.db.models import Exists, OuterRef, Q

from chains.selectors import industry_ids_with_descendants
from partners.models import Partner


def partner_condition(params: dict, partner_field: str = "") -> Q:
    """The filters of ``params`` as a ``Q`` on a model whose partner is ``partner_field``
    (``""`` for ``Partner`` itself, ``"partner"`` for a model with a ``partner`` foreign key).

    The industry filter costs one query (the industry tree, to include the industries below
    the one chosen); the others add none."""
    prefix = f"{partner_field}__" if partner_field else ""
    partner_ref = f"{partner_field}_id" if partner_field else "pk"
    condition = Q()
    if params.get("industry"):
        industries = industry_ids_with_descendants([params["industry"]])
        through = Partner.industries.through.objects.filter(
            partner=OuterRef(partner_ref), industry__in=industries
        )
        condition &= Q(Exists(through))
    if params.get("chain"):
        through = Partner.segments.through.objects.filter(
            partner=OuterRef(partner_ref), chainsegment__chain=params["chain"]
        )
        condition &= Q(Exists(through))
    if params.get("steward"):
        condition &= Q(**{f"{prefix}steward_id": params["steward"]})
    if params.get("zone"):
        zone = params["zone"]
        condition &= Q(**{f"{prefix}carrier_id": zone}) | Q(**{f"{prefix}carrier__zone_id": zone})
    return condition
