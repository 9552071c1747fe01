"""Keeps ``Partner.last_contacted_at`` current whichever way an interaction is written (API,
admin, shell), so that the visit-cadence scans read one indexed column instead of the latest
interaction of every partner."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from partners.models import Interaction
from partners.services.engagement import partner_last_contact_refresh


@receiver(post_save, sender=Interaction, dispatch_uid="interaction_saved_last_contact")
@receiver(post_delete, sender=Interaction, dispatch_uid="interaction_deleted_last_contact")
def refresh_last_contact(sender, instance: Interaction, **kwargs) -> None:
    partner_last_contact_refresh([instance.partner_id])
