"""Keeps the partner's fields derived from other records current whichever way those are
written (API, admin, shell): ``Partner.last_contacted_at`` from the interactions, so that the
visit-cadence scans read one indexed column instead of the latest interaction of every
partner, and ``Partner.contacts_search_key`` from the contact persons, so that the partner
list's search reads a partner's contacts on its own row."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from partners.models import ContactPerson, Interaction, Partner
from partners.services.engagement import partner_last_contact_refresh
from partners.services.organisations import partner_contacts_key_refresh


@receiver(post_save, sender=Interaction, dispatch_uid="interaction_saved_last_contact")
@receiver(post_delete, sender=Interaction, dispatch_uid="interaction_deleted_last_contact")
def refresh_last_contact(sender, instance: Interaction, **kwargs) -> None:
    partner_last_contact_refresh([instance.partner_id])


@receiver(post_save, sender=ContactPerson, dispatch_uid="contact_saved_contacts_key")
def refresh_contacts_key_on_save(sender, instance: ContactPerson, **kwargs) -> None:
    """A new contact, a new name or another partner: the keys of the partner it is with now
    and of the one it was with (a save of its phone or title leaves them)."""
    before = getattr(instance, "key_written", None)
    after = instance.key_as_saved()
    if after != before:
        partner_contacts_key_refresh({after[0], before[0] if before else None})
    instance.key_written = after


@receiver(post_delete, sender=ContactPerson, dispatch_uid="contact_deleted_contacts_key")
def refresh_contacts_key_on_delete(sender, instance: ContactPerson, origin=None, **kwargs):
    """Not when the contact goes with its partner: that row is being deleted."""
    if isinstance(origin, Partner) or (isinstance(origin, QuerySet) and origin.model is Partner):
        return
    partner_contacts_key_refresh({instance.partner_id})
