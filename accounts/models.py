"""The user model: a staff member, a manager, an auditor, or a chain-leader unit's account."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    department = models.CharField(_("department"), max_length=64, blank=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("bound partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_("For a chain-leader unit's account: the organisation it logs in as."),
    )

    history = audit_history(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name(self.full_name, self.username)

    @staticmethod
    def display_name(full_name: str, username: str) -> str:
        return full_name or username
