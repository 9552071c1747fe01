"""Development partners (发展伙伴), their contact persons, carriers, qualification tags and
recognitions."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.models import ArchivableModel, VersionedModel
from core.searchable import SearchableModel
from core.sql import UTCMidnight
from partners.uscc import FORMAT_REGEX
from partners.validators import validate_phone


class CarrierKind(models.TextChoices):
    BUILDING = "building", _("Office building")
    PARK = "park", _("Industrial park")
    ZONE = "zone", _("Functional zone")


class Carrier(VersionedModel):
    """载体: a featured office building, a featured park or a functional zone."""

    Kind = CarrierKind

    name = models.CharField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    zone = models.ForeignKey(
        "self",
        verbose_name=_("functional zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carriers",
        limit_choices_to={"kind": Kind.ZONE},
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CarrierKind.values),
                name="carrier_kind_valid",
                violation_error_code="carrier_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="zone") | Q(zone__isnull=True),
                name="carrier_zone_not_nested",
                violation_error_code="carrier_zone_not_nested",
                violation_error_message=_("A functional zone cannot sit inside another zone."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QualificationTag(VersionedModel):
    """资质标签: 国家高新技术企业, 专精特新“小巨人”, 独角兽 …"""

    name = models.CharField(_("name"), max_length=32, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("qualification tag")
        verbose_name_plural = _("qualification tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationType(models.TextChoices):
    CENTRAL_SOE = "central_soe", _("Central state-owned enterprise")
    MUNICIPAL_SOE = "municipal_soe", _("Municipal state-owned enterprise")
    PRIVATE = "private", _("Private enterprise")
    FOREIGN = "foreign", _("Foreign-invested enterprise")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    FINANCIAL_INSTITUTION = "financial_institution", _("Financial institution")
    ASSOCIATION = "association", _("Association")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def in_plan(partner: str = "") -> Q:
    """Partners in the plan: neither archived nor withdrawn (``partner``: the path to the
    partner, e.g. ``"partner__"`` from a membership). One condition for the reports and the
    index that serves them (``partner_in_plan_visit_fields``): were the two to differ,
    PostgreSQL could not use the index."""
    withdrawn = Q(**{f"{partner}status": PartnerStatus.WITHDRAWN})
    return Q(**{f"{partner}archived_at": None}) & ~withdrawn


def visit_baseline():
    """A partner's visit baseline: its last contact or, never contacted, the day it joined the
    plan. One expression for the selectors and the indexes that serve a steward's longest
    overdue partners (``partner_steward_visit_baseline``) and the coverage report's
    (``partner_visit_day_name``, through ``visit_baseline_day``)."""
    return Coalesce(F("last_contacted_at"), UTCMidnight("joined_on"))


def visit_baseline_day():
    """The visit baseline's day in the current time zone (the site's): one expression for the
    coverage report's overdue days and the index that gives its most overdue partners."""
    return TruncDate(visit_baseline())


class Partner(SearchableModel, VersionedModel, ArchivableModel):
    OrganisationType = OrganisationType
    Status = PartnerStatus
    search_key_sources = ("name", "short_name")

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=128, db_index=True)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=32, choices=OrganisationType.choices, db_index=True
    )
    industries = models.ManyToManyField(
        "chains.Industry", verbose_name=_("industries"), related_name="partners", blank=True
    )
    segments = models.ManyToManyField(
        "chains.ChainSegment",
        verbose_name=_("chain segments"),
        related_name="partners",
        blank=True,
    )
    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("carrier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    joined_on = models.DateField(_("joined the partner plan on"), db_index=True)
    joined_at_event = models.ForeignKey(
        "projects.Event",
        verbose_name=_("joined at event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners_joined",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    steward = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("steward"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stewarded_partners",
    )
    tags = models.ManyToManyField(
        QualificationTag, verbose_name=_("qualification tags"), related_name="partners", blank=True
    )
    in_doubling_catalogue = models.BooleanField(
        _("doubling-plan catalogue enterprise"), default=False, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    # Self-service fields: a chain-leader unit keeps these current itself.
    introduction = models.TextField(_("introduction"), blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    uscc_check_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("check character override by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when the code was accepted despite a wrong check character."),
    )
    uscc_check_overridden_at = models.DateTimeField(
        _("check character override at"), null=True, blank=True
    )
    last_contacted_at = models.DateTimeField(
        _("last contacted at"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The latest interaction's time, kept current with the interactions."),
    )
    # Its contact persons' search keys one after the other, kept current with the contacts
    # (``partner_contacts_key_refresh``), so that the partner list's search reads them on the
    # partner's own row where it reads partners one by one (``partner_search``).
    contacts_search_key = models.TextField(
        _("contact persons' search key"), blank=True, default="", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = audit_history(
        m2m_fields=["industries", "segments", "tags"],
        excluded_fields=["last_contacted_at", "search_key", "contacts_search_key"],
    )

    class Meta:
        verbose_name = _("development partner")
        verbose_name_plural = _("development partners")
        ordering = ["name"]
        indexes = [
            models.Index(
                F("steward"),
                visit_baseline(),
                name="partner_steward_visit_baseline",
                condition=Q(status=PartnerStatus.ACTIVE, archived_at=None),
            ),
            # The list filtered by zone or carrier (and status) answers, and counts, from the
            # index alone: the partners of a zone are scattered over the table.
            models.Index(
                fields=["carrier", "status", "id"],
                name="partner_live_carrier_status",
                condition=Q(archived_at=None),
            ),
            # The visit coverage report counts the partners in the plan and those overdue, by
            # steward, industry and chain, from the index alone: the table is wide (13,000
            # pages at ten times district scale), the index a tenth of it.
            models.Index(
                fields=["id"],
                include=[
                    "steward",
                    "carrier",
                    "last_contacted_at",
                    "joined_on",
                    "in_doubling_catalogue",
                ],
                name="partner_in_plan_visit_fields",
                condition=in_plan(),
            ),
            # The coverage report's most overdue partners of a cadence group (the doubling-plan
            # catalogue or not): the earliest baseline days first, by name, then id, as the
            # list shows them (``partners.reports.coverage._first_overdue_rows``). The day is
            # that of the time zone current when the index was built (``TIME_ZONE``, written
            # into it): were the setting changed, the report would give the same rows without
            # the index until a migration removes it and adds it again. The query passes the
            # zone as a parameter: PostgreSQL matches the index in a plan made for the values
            # (a prepared statement's generic plan could not, but it would cost far more).
            models.Index(
                F("in_doubling_catalogue"),
                visit_baseline_day(),
                F("name"),
                F("id"),
                name="partner_visit_day_name",
                condition=in_plan(),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PartnerStatus.values),
                name="partner_status_valid",
                violation_error_code="partner_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(organisation_type__in=OrganisationType.values),
                name="partner_organisation_type_valid",
                violation_error_code="partner_organisation_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(uscc__regex=FORMAT_REGEX),
                name="partner_uscc_format",
                violation_error_code="partner_uscc_format",
                violation_error_message=_("The unified social credit code is malformed."),
            ),
            models.CheckConstraint(
                condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                name="partner_registered_capital_not_negative",
                violation_error_code="partner_registered_capital_not_negative",
                violation_error_message=_("Registered capital cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(uscc_check_overridden_by__isnull=True)
                | Q(uscc_check_overridden_at__isnull=False),
                name="partner_uscc_override_has_time",
                violation_error_code="partner_uscc_override_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # Kept current by the writes of other records (``partners.signals``), never by a save of
    # the partner: a copy read before an interaction or a contact was written (the admin's
    # form, a script) would write back the value it was read with.
    DERIVED_FIELDS = frozenset({"last_contacted_at", "contacts_search_key"})

    def save(self, *args, **kwargs):
        forced = args or kwargs.get("force_insert") or kwargs.get("update_fields") is not None
        if not (self._state.adding or self.pk is None or forced):
            # As Django saves a partly loaded record: its loaded fields only.
            skipped = self.DERIVED_FIELDS | self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in skipped
            ]
        super().save(*args, **kwargs)


class ContactPerson(SearchableModel, VersionedModel):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=32)
    title = models.CharField(_("title"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    history = audit_history(excluded_fields=["search_key"])

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["partner", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_partner",
                violation_error_code="contact_one_primary_per_partner",
                violation_error_message=_("A partner has only one primary contact."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.partner}）"


class RecognitionCategory(models.TextChoices):
    CHAIN_LEADER = "chain_leader", _("Chain-leader unit")
    PARTNER = "partner", _("Development partner")


class Recognition(VersionedModel):
    """An entry of an annual recognition list, e.g. 贡献突出市场主体."""

    Category = RecognitionCategory

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="recognitions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("list"), max_length=64)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)

    history = audit_history()

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-year", "title", "category", "partner__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=RecognitionCategory.values),
                name="recognition_category_valid",
                violation_error_code="recognition_category_valid",
            ),
            models.UniqueConstraint(
                fields=["partner", "year", "title"],
                name="recognition_unique_partner_year_list",
                violation_error_code="recognition_unique_partner_year_list",
                violation_error_message=_("This partner is already on that list for that year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="recognition_year_in_range",
                violation_error_code="recognition_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title} · {self.partner}"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PartnerChangeRequest(VersionedModel):
    """A chain-leader unit's request to change a key field of its own record (name, code,
    organisation type, industries); the old values stand until its steward or a manager
    approves."""

    Status = ChangeRequestStatus

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="change_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes = models.JSONField(_("requested values"))
    previous = models.JSONField(_("values when requested"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = audit_history()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChangeRequestStatus.values),
                name="change_request_status_valid",
                violation_error_code="change_request_status_valid",
            ),
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(status="pending"),
                name="change_request_unique_pending",
                violation_error_code="change_request_unique_pending",
                violation_error_message=_("This partner already has a pending change request."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="change_request_decision_recorded",
                violation_error_code="change_request_decision_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="change_request_rejection_has_reason",
                violation_error_code="change_request_rejection_has_reason",
                violation_error_message=_("A rejection needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_status_display()}"
