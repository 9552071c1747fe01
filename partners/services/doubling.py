"""Writes of the doubling plan's annual indicators: only for enterprises in the doubling-plan
catalogue, one row per enterprise and year (the database refuses a second)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import lock_version
from partners.models import DoublingIndicator, Partner

INDICATOR_FIELDS = ("year", "revenue", "tax", "rd_spending", "employees")


def doubling_check_partner(partner: Partner) -> None:
    """Indicators are kept for catalogue enterprises only (``Partner.in_doubling_catalogue``)."""
    if not partner.in_doubling_catalogue:
        raise ValidationError(
            {
                "partner": ValidationError(
                    _("“%(name)s” is not a doubling-plan catalogue enterprise.")
                    % {"name": partner.name},
                    code="not_in_doubling_catalogue",
                )
            }
        )


@transaction.atomic
def doubling_indicator_create(*, actor, partner: Partner, **values) -> DoublingIndicator:
    doubling_check_partner(partner)
    indicator = DoublingIndicator(partner=partner, **values)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def doubling_indicator_update(
    indicator: DoublingIndicator, *, actor, expected_version: int | None = None, **values
) -> DoublingIndicator:
    """Change a year's figures (or the year); the enterprise of a row never changes."""
    indicator = lock_version(indicator, expected_version)
    for name in INDICATOR_FIELDS:
        if name in values:
            setattr(indicator, name, values[name])
    indicator.full_clean()
    indicator.save()
    return indicator
