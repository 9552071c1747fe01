"""Engagement with partners: every contact (走访/联系记录), the follow-ups promised, the requests
enterprises raise (企业诉求) and the reference data that sets visit cadence and deadlines."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.models import VersionedModel


class InteractionKind(models.TextChoices):
    VISIT = "visit", _("Visit on site")
    CALL = "call", _("Phone call")
    MEETING = "meeting", _("Meeting")
    EVENT = "event", _("Event")
    ONLINE = "online", _("Online")


class Interaction(VersionedModel):
    """One logged contact with a partner."""

    Kind = InteractionKind

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="recorded_interactions",
    )
    staff_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff present"),
        related_name="attended_interactions",
        blank=True,
    )
    contacts_met = models.ManyToManyField(
        "partners.ContactPerson",
        verbose_name=_("contact persons met"),
        related_name="interactions",
        blank=True,
    )
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    next_follow_up_on = models.DateField(_("next follow-up on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = audit_history(m2m_fields=["staff_present", "contacts_met"])

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["partner", "-occurred_at"], name="interaction_partner_time"),
            # The list's order (read backwards), and the interactions of a period with who
            # recorded them (the coverage report), from the index alone.
            models.Index(
                fields=["occurred_at", "id"], include=["recorded_by"], name="interaction_time"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=InteractionKind.values),
                name="interaction_kind_valid",
                violation_error_code="interaction_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="interaction_has_summary",
                violation_error_code="interaction_has_summary",
                violation_error_message=_("Say what the contact was about."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_kind_display()} · {self.occurred_at:%Y-%m-%d}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUp(VersionedModel):
    """A promise to get back to a partner by a date, owned by a staff member."""

    Status = FollowUpStatus

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    due_on = models.DateField(_("due on"))
    action = models.TextField(_("what to do"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_by_interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("created by interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups_created",
    )
    closed_by_interaction = models.ForeignKey(
        Interaction,
        verbose_name=_("closed by interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups_closed",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = audit_history()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        indexes = [
            # The reminder scan: open follow-ups by due date (partial index).
            models.Index(
                fields=["due_on", "owner"],
                name="follow_up_open_due",
                condition=Q(status="open"),
            ),
            # The list's order, over every follow-up (1,000,000 at ten times district scale).
            models.Index(fields=["due_on", "id"], name="follow_up_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values),
                name="follow_up_status_valid",
                violation_error_code="follow_up_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="follow_up_closed_when_not_open",
                violation_error_code="follow_up_closed_when_not_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.due_on:%Y-%m-%d} · {self.action[:20]}"


class RequestCategory(models.TextChoices):
    POLICY = "policy", _("Policy")
    SPACE = "space", _("Space")
    TALENT = "talent", _("Talent")
    FINANCE = "finance", _("Finance")
    APPROVALS = "approvals", _("Approvals")
    MARKET = "market", _("Market")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class EnterpriseRequest(VersionedModel):
    """企业诉求: an enterprise's ask, owned by a department and a person, with a deadline in
    working days counted from the day it was received."""

    Category = RequestCategory
    Status = RequestStatus

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    raised_in = models.ForeignKey(
        Interaction,
        verbose_name=_("raised in interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="raised_requests",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    description = models.TextField(_("description"))
    owner_department = models.CharField(_("owner department"), max_length=64, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_requests",
    )
    received_on = models.DateField(_("received on"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Derived when the request is resolved (services.engagement.request_handling_workdays):
    # a working day follows the holiday calendar, which the database does not have, and the
    # request report takes averages and percentiles of this in SQL.
    handling_workdays = models.PositiveIntegerField(
        _("handling (working days)"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = audit_history()

    class Meta:
        verbose_name = _("enterprise request")
        verbose_name_plural = _("enterprise requests")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(
                fields=["deadline", "owner"],
                name="request_open_deadline",
                condition=Q(status__in=["received", "in_progress"]),
            ),
            # The list's order, over every request.
            models.Index(fields=["deadline", "id"], name="request_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=RequestCategory.values),
                name="request_category_valid",
                violation_error_code="request_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values),
                name="request_status_valid",
                violation_error_code="request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="request_satisfaction_range",
                violation_error_code="request_satisfaction_range",
                violation_error_message=_("Satisfaction is rated from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")),
                name="request_deadline_after_receipt",
                violation_error_code="request_deadline_after_receipt",
                violation_error_message=_(
                    "The deadline cannot be before the request was received."
                ),
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, handling_workdays__isnull=True)
                | Q(resolved_at__isnull=False, handling_workdays__isnull=False),
                name="request_handling_days_when_resolved",
                violation_error_code="request_handling_days_when_resolved",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(status__in=["resolved", "closed"]),
                name="request_rated_when_resolved",
                violation_error_code="request_rated_when_resolved",
                violation_error_message=_("A request is rated once it is resolved."),
            ),
        ]

    @property
    def is_rateable(self) -> bool:
        """The enterprise rates a request once it is resolved (or closed)."""
        return self.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_category_display()} · {self.description[:20]}"


class RequestEventKind(models.TextChoices):
    STATUS = "status", _("Status change")
    REASSIGNED = "reassigned", _("Reassigned")
    EXTENDED = "extended", _("Deadline extended")
    RATED = "rated", _("Rated")


class RequestEvent(models.Model):
    """One step in the life of a request: every status change, reassignment, extension and
    rating, with who did it and why."""

    Kind = RequestEventKind

    request = models.ForeignKey(
        EnterpriseRequest,
        verbose_name=_("enterprise request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_value = models.CharField(_("from"), max_length=64, blank=True)
    to_value = models.CharField(_("to"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["request", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RequestEventKind.values),
                name="request_event_kind_valid",
                violation_error_code="request_event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}: {self.from_value} → {self.to_value}"


class RequestDeadlineRule(VersionedModel):
    """Working days allowed for a request of a category (reference data)."""

    category = models.CharField(
        _("category"), max_length=16, choices=RequestCategory.choices, unique=True
    )
    working_days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )

    history = audit_history()

    class Meta:
        verbose_name = _("request deadline rule")
        verbose_name_plural = _("request deadline rules")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=250),
                name="deadline_rule_days_range",
                violation_error_code="deadline_rule_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.working_days}"


class CadenceGroup(models.TextChoices):
    CHAIN_LEADER = "chain_leader", _("Chain-leader units")
    DOUBLING = "doubling", _("Doubling-plan catalogue enterprises")
    OTHER = "other", _("Other partners")


class VisitCadenceRule(VersionedModel):
    """How often partners of a group must be contacted (reference data); the first group that
    applies wins: chain-leader units, then doubling-plan catalogue enterprises, then the rest."""

    group = models.CharField(_("group"), max_length=16, choices=CadenceGroup.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days between contacts"), validators=[MinValueValidator(1), MaxValueValidator(730)]
    )

    history = audit_history()

    class Meta:
        verbose_name = _("visit cadence rule")
        verbose_name_plural = _("visit cadence rules")
        ordering = ["group"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=730),
                name="cadence_days_range",
                violation_error_code="cadence_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.days}"
