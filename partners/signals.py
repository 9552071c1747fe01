"""Keeps the partner's fields derived from other records current whichever way those are
written (API, admin, shell): ``Partner.last_contacted_at`` from the interactions, so that the
visit-cadence scans read one indexed column instead of the latest interaction of every
partner, and ``Partner.contacts_search_key`` from the contact persons, so that the partner
list's search reads a partner's contacts on its own row."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from partners.models import ContactPerson, Interaction
from partners.services.engagement import partner_last_contact_refresh
from partners.services.organisations import partner_contacts_key_refresh

# A contact's save that writes none of these leaves its partner's key as it was.
CONTACT_KEY_FIELDS = {"name", "search_key", "partner", "partner_id"}


@receiver(post_save, sender=Interaction, dispatch_uid="interaction_saved_last_contact")
@receiver(post_delete, sender=Interaction, dispatch_uid="interaction_deleted_last_contact")
def refresh_last_contact(sender, instance: Interaction, **kwargs) -> None:
    partner_last_contact_refresh([instance.partner_id])


@receiver(post_save, sender=ContactPerson, dispatch_uid="contact_saved_contacts_key")
@receiver(post_delete, sender=ContactPerson, dispatch_uid="contact_deleted_contacts_key")
def refresh_contacts_key(sender, instance: ContactPerson, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not CONTACT_KEY_FIELDS & set(update_fields):
        return
    partner_contacts_key_refresh({instance.partner_id, getattr(instance, "partner_id_read", None)})
