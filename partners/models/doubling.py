"""The doubling plan (倍增计划): the annual indicators of the catalogue enterprises, whose growth
from their first recorded year toward twice the base is followed in the doubling report."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.models import VersionedModel

AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class DoublingIndicator(VersionedModel):
    """One catalogue enterprise's figures for one year, in 10,000 yuan (万元) and persons."""

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="doubling_indicators",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    revenue = models.DecimalField(_("revenue (10,000 yuan)"), **AMOUNT)
    tax = models.DecimalField(_("tax paid (10,000 yuan)"), **AMOUNT)
    rd_spending = models.DecimalField(_("R&D spending (10,000 yuan)"), **AMOUNT)
    employees = models.PositiveIntegerField(_("employees"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = audit_history()

    class Meta:
        verbose_name = _("doubling-plan indicator")
        verbose_name_plural = _("doubling-plan indicators")
        ordering = ["partner", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "year"],
                name="doubling_indicator_one_per_year",
                violation_error_code="doubling_indicator_one_per_year",
                violation_error_message=_("This enterprise already has indicators for that year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="doubling_indicator_year_in_range",
                violation_error_code="doubling_indicator_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0, tax__gte=0, rd_spending__gte=0, employees__gte=0),
                name="doubling_indicator_not_negative",
                violation_error_code="doubling_indicator_not_negative",
                violation_error_message=_("Indicators cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.year}"
