"""Major projects (重大项目), their stage history and the events where they are promoted or
signed."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.models import ArchivableModel, VersionedModel
from core.searchable import SearchableModel


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    DEMAND_RELEASE = "demand_release", _("Demand release")
    PROMOTION = "promotion", _("Promotion")
    OTHER = "other", _("Other activity")


class Event(VersionedModel):
    """A conference or activity, e.g. 2024年倍增追赶合作发展丰台大会."""

    Kind = EventKind

    name = models.CharField(_("name"), max_length=128)
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=128, blank=True)

    history = audit_history()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values),
                name="event_kind_valid",
                violation_error_code="event_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["name", "date"],
                name="event_unique_name_date",
                violation_error_code="event_unique_name_date",
                violation_error_message=_("An event of that name on that date already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.date:%Y-%m-%d}）"


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    LANDED = "landed", _("Landed")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    OPERATING = "operating", _("Operating")
    DROPPED = "dropped", _("Dropped")


class ProjectKind(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial project")
    URBAN_RENEWAL = "urban_renewal", _("Urban renewal")
    CARRIER = "carrier", _("Carrier project")
    OTHER = "other", _("Other")


class Project(SearchableModel, VersionedModel, ArchivableModel):
    Kind = ProjectKind

    name = models.CharField(_("name"), max_length=128, db_index=True)
    code = models.CharField(_("project code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    industries = models.ManyToManyField(
        "chains.Industry", verbose_name=_("industries"), related_name="projects", blank=True
    )
    carrier = models.ForeignKey(
        "partners.Carrier",
        verbose_name=_("carrier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    location = models.CharField(_("location"), max_length=128, blank=True)
    planned_investment = models.DecimalField(
        _("planned investment (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    investors = models.ManyToManyField(
        "partners.Partner", verbose_name=_("investors"), related_name="projects", blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=24, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_projects",
    )
    is_new_quality = models.BooleanField(_("new quality productive forces"), default=False)
    promoted_at = models.ForeignKey(
        Event,
        verbose_name=_("promoted at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_promoted",
    )
    signed_at = models.ForeignKey(
        Event,
        verbose_name=_("signed at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_signed",
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = audit_history(m2m_fields=["industries", "investors"], excluded_fields=["search_key"])

    class Meta:
        verbose_name = _("major project")
        verbose_name_plural = _("major projects")
        ordering = ["code"]
        indexes = [
            # The pipeline report's stalled projects, longest waiting first (a project's last
            # move, or its creation, then its code): read in this order, the first rows are
            # the index's first entries, and the count a range of it read from the index
            # alone: the stage sorts out the dropped and operating ones, and the two dates are
            # included because PostgreSQL reads from an index alone only the columns it holds.
            models.Index(
                Coalesce("stage_changed_at", "created_at"),
                "code",
                "stage",
                name="project_stalled_order",
                condition=Q(archived_at=None),
                include=["stage_changed_at", "created_at"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProjectKind.values),
                name="project_kind_valid",
                violation_error_code="project_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(planned_investment__isnull=True) | Q(planned_investment__gte=0),
                name="project_investment_not_negative",
                violation_error_code="project_investment_not_negative",
                violation_error_message=_("Planned investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(stage=Stage.DROPPED) | ~Q(drop_reason=""),
                name="project_dropped_has_reason",
                violation_error_code="project_dropped_has_reason",
                violation_error_message=_("A dropped project needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values),
                name="project_stage_valid",
                violation_error_code="project_stage_valid",
                violation_error_message=_("Unknown project stage."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """One move of a project through the pipeline; written only by the stage-change service."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("from stage"), max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=24, choices=Stage.choices)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    # The stay this move began ends at the project's next move, when and to which stage:
    # kept by the stage-change service, so that the pipeline report reads each stay's length
    # and what followed it without a window or a subquery per move (docs/BENCHMARKS.md).
    # Empty while the project is still in ``to_stage``.
    left_at = models.DateTimeField(_("left at"), null=True, blank=True, editable=False)
    next_stage = models.CharField(
        _("next stage"), max_length=24, choices=Stage.choices, blank=True, editable=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    # The stay's end is derived from the next move, which the history already records.
    history = audit_history(excluded_fields=["left_at", "next_stage"])

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["project", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_stage__in=Stage.values)
                & (Q(from_stage="") | Q(from_stage__in=Stage.values)),
                name="stage_change_stages_valid",
                violation_error_code="stage_change_stages_valid",
            ),
            models.CheckConstraint(
                condition=~Q(from_stage=F("to_stage")),
                name="stage_change_moves",
                violation_error_code="stage_change_moves",
                violation_error_message=_("A stage change must change the stage."),
            ),
            models.CheckConstraint(
                condition=Q(left_at=None, next_stage="")
                | Q(left_at__gte=F("changed_at"), next_stage__in=Stage.values),
                name="stage_change_stay_end_valid",
                violation_error_code="stage_change_stay_end_valid",
                violation_error_message=_(
                    "A stage is left for another stage, and not before it was entered."
                ),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(left_at=None),
                name="stage_change_one_current_stay",
                violation_error_code="stage_change_one_current_stay",
                violation_error_message=_("A project is in one stage at a time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage or '—'} → {self.to_stage}"


class PipelineTarget(VersionedModel):
    """A year's pipeline target that managers set: projects to sign, projects to land and the
    planned investment (亿元) of the projects signed that year."""

    year = models.PositiveSmallIntegerField(_("year"))
    signed_projects = models.PositiveIntegerField(_("projects to sign"), default=0)
    landed_projects = models.PositiveIntegerField(_("projects to land"), default=0)
    planned_investment = models.DecimalField(
        _("planned investment to sign (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )

    history = audit_history()

    class Meta:
        verbose_name = _("pipeline target")
        verbose_name_plural = _("pipeline targets")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                name="pipeline_target_unique_year",
                violation_error_code="pipeline_target_unique_year",
                violation_error_message=_("That year already has a pipeline target."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="pipeline_target_year_in_range",
                violation_error_code="pipeline_target_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0),
                name="pipeline_target_investment_not_negative",
                violation_error_code="pipeline_target_investment_not_negative",
                violation_error_message=_("Planned investment cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}"
