"""Industries (the “2+4+6” system as data), industry chains and their segments, the annual
chain-leader roster, industry work camps and the target list of each chain segment."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.models import VersionedModel
from core.searchable import SearchableModel

FIRST_ROSTER_YEAR = 2000
LAST_ROSTER_YEAR = 2100


class IndustryKind(models.TextChoices):
    LEADING = "leading", _("Leading industry")
    FEATURED = "featured", _("Featured industry")
    FUTURE = "future", _("Future industry")


class Industry(VersionedModel):
    Kind = IndustryKind

    name = models.CharField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    description = models.TextField(_("description"), blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=IndustryKind.values),
                name="industry_kind_valid",
                violation_error_code="industry_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="industry_not_own_parent",
                violation_error_code="industry_not_own_parent",
                violation_error_message=_("An industry cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IndustryChain(SearchableModel, VersionedModel):
    name = models.CharField(_("name"), max_length=64, unique=True)
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="chains"
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    description = models.TextField(_("description"), blank=True)

    history = audit_history(excluded_fields=["search_key"])

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ChainSegment(VersionedModel):
    chain = models.ForeignKey(
        IndustryChain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="segments"
    )
    name = models.CharField(_("name"), max_length=64)
    position = models.PositiveSmallIntegerField(_("order in chain"))
    description = models.TextField(_("description"), blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("chain segment")
        verbose_name_plural = _("chain segments")
        ordering = ["chain__position", "chain__name", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "position"],
                name="segment_unique_position_in_chain",
                violation_error_code="segment_unique_position_in_chain",
                violation_error_message=_("This chain already has a segment at that position."),
            ),
            models.UniqueConstraint(
                fields=["chain", "name"],
                name="segment_unique_name_in_chain",
                violation_error_code="segment_unique_name_in_chain",
                violation_error_message=_("This chain already has a segment of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.label(self.chain.name, self.name)

    @staticmethod
    def label(chain_name: str, name: str) -> str:
        """How a segment is named wherever it stands alone (lists, exports): with its chain."""
        return f"{chain_name} · {name}"


class ChainLeaderAppointment(VersionedModel):
    """One line of the annual chain-leader roster (年度链长单位清单)."""

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="chain_leader_appointments",
    )
    chain = models.ForeignKey(
        IndustryChain,
        verbose_name=_("chain"),
        on_delete=models.PROTECT,
        related_name="leader_appointments",
    )
    year = models.PositiveSmallIntegerField(_("roster year"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = audit_history()

    class Meta:
        verbose_name = _("chain-leader appointment")
        verbose_name_plural = _("chain-leader appointments")
        ordering = ["-year", "chain__position", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "chain", "year"],
                name="appointment_unique_partner_chain_year",
                violation_error_code="appointment_unique_partner_chain_year",
                violation_error_message=_(
                    "This partner is already a chain leader of this chain in that year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_ROSTER_YEAR, year__lte=LAST_ROSTER_YEAR),
                name="appointment_year_in_range",
                violation_error_code="appointment_year_in_range",
                violation_error_message=_("The roster year must be between 2000 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["year", "chain"], name="appointment_year_chain")]

    def __str__(self) -> str:
        return f"{self.year} {self.chain} · {self.partner}"


class WorkCamp(VersionedModel):
    """产业工作营: partners and chain leaders co-develop one industry."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        related_name="work_camps",
    )
    lead_department = models.CharField(_("lead department"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        "partners.Partner",
        verbose_name=_("members"),
        through="WorkCampMembership",
        related_name="work_camps",
        blank=True,
    )

    history = audit_history()

    class Meta:
        verbose_name = _("work camp")
        verbose_name_plural = _("work camps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkCampRole(models.TextChoices):
    CHAIN_LEADER = "chain_leader", _("Chain leader")
    MEMBER = "member", _("Member")


class WorkCampMembership(models.Model):
    Role = WorkCampRole

    camp = models.ForeignKey(
        WorkCamp, verbose_name=_("work camp"), on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="work_camp_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("work camp member")
        verbose_name_plural = _("work camp members")
        ordering = ["camp", "role", "partner__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=WorkCampRole.values),
                name="membership_role_valid",
                violation_error_code="membership_role_valid",
            ),
            models.UniqueConstraint(
                fields=["camp", "partner"],
                name="membership_unique_partner_in_camp",
                violation_error_code="membership_unique_partner_in_camp",
                violation_error_message=_("This partner is already a member of this work camp."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camp} · {self.partner}"


class TargetStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    CONTACTING = "contacting", _("Contacting")
    NEGOTIATING = "negotiating", _("Negotiating")
    LANDED = "landed", _("Landed")
    ABANDONED = "abandoned", _("Abandoned")


class TargetCompany(VersionedModel):
    """One entry of a chain segment's target list (产业生态圈招商目标清单)."""

    Status = TargetStatus

    name = models.CharField(_("company name"), max_length=128)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    segment = models.ForeignKey(
        ChainSegment,
        verbose_name=_("chain segment"),
        on_delete=models.PROTECT,
        related_name="target_companies",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.IDENTIFIED,
        db_index=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="target_companies",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = audit_history()

    class Meta:
        verbose_name = _("target company")
        verbose_name_plural = _("target companies")
        ordering = ["segment__chain__position", "segment__position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TargetStatus.values),
                name="target_status_valid",
                violation_error_code="target_status_valid",
            ),
            models.UniqueConstraint(
                Lower("name"),
                "segment",
                name="target_unique_name_in_segment",
                violation_error_code="target_unique_name_in_segment",
                violation_error_message=_("This company is already on the segment's target list."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SegmentStrengthRule(VersionedModel):
    """How the chain map judges a segment (reference data): *strong* (锻长板) when it has at
    least ``min_partners`` partners, a chain-leader unit of the year among them if
    ``requires_chain_leader``, and at least ``min_qualified_partners`` partners holding a
    qualification tag that counts (any tag when none is chosen); *empty* (补短板) with no
    partner; *weak* in between. One rule set is active at a time."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    min_partners = models.PositiveSmallIntegerField(
        _("partners a strong segment needs"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(999)],
    )
    requires_chain_leader = models.BooleanField(
        _("a strong segment needs a chain-leader unit"), default=True
    )
    min_qualified_partners = models.PositiveSmallIntegerField(
        _("qualified partners a strong segment needs"),
        default=1,
        validators=[MaxValueValidator(999)],
    )
    qualifying_tags = models.ManyToManyField(
        "partners.QualificationTag",
        verbose_name=_("qualification tags that count"),
        related_name="+",
        blank=True,
        help_text=_("None chosen: any qualification tag counts."),
    )

    history = audit_history(m2m_fields=["qualifying_tags"])

    class Meta:
        verbose_name = _("segment strength rule")
        verbose_name_plural = _("segment strength rules")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="strength_rule_one_active",
                violation_error_code="strength_rule_one_active",
                violation_error_message=_("Another segment strength rule is already active."),
            ),
            models.CheckConstraint(
                condition=Q(min_partners__gte=1, min_partners__lte=999),
                name="strength_rule_min_partners_range",
                violation_error_code="strength_rule_min_partners_range",
                violation_error_message=_("A strong segment needs between 1 and 999 partners."),
            ),
            models.CheckConstraint(
                condition=Q(min_qualified_partners__lte=F("min_partners")),
                name="strength_rule_qualified_within_partners",
                violation_error_code="strength_rule_qualified_within_partners",
                violation_error_message=_(
                    "A strong segment cannot need more qualified partners than partners."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name
