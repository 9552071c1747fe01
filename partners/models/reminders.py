"""Reminders and the in-app notifications they produce.

A reminder is written before it is delivered and is unique on (recipient, kind, subject, day),
so planning the same day twice, or from two processes at once, adds nothing; delivery claims a
row with one conditional UPDATE, so two workers never deliver the same reminder twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    DIGEST = "digest", _("Daily digest")
    ESCALATION = "escalation", _("Escalation")
    WEEKLY_SUMMARY = "weekly_summary", _("Weekly summary")


class Reminder(models.Model):
    Kind = ReminderKind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=64)
    day = models.DateField(_("day"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-day", "recipient", "kind", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject", "day"],
                name="reminder_unique_per_day",
                violation_error_code="reminder_unique_per_day",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values),
                name="reminder_kind_valid",
                violation_error_code="reminder_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["day"], name="reminder_undelivered", condition=Q(notified_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.recipient} {self.kind} {self.subject}"


class Notification(models.Model):
    """An entry of a user's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    reminder = models.OneToOneField(
        Reminder,
        verbose_name=_("reminder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread",
                condition=Q(read_at=None),
            ),
        ]

    def __str__(self) -> str:
        return self.title
