"""Keeps the partner's fields derived from other records current whichever way those are
written (API, admin, shell): ``Partner.last_contacted_at`` from the interactions, so that the
visit-cadence scans read one indexed column instead of the latest interaction of every
partner, and ``Partner.contacts_search_key`` from the contact persons, so that the partner
list's search reads a partner's contacts on its own row."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from partners.models import ContactPerson, Interaction, Partner
from partners.services.engagement import partner_last_contact_refresh
from partners.services.organisations import partner_contacts_key_refresh


@receiver(post_save, sender=Interaction, dispatch_uid="interaction_saved_last_contact")
@receiver(post_delete, sender=Interaction, dispatch_uid="interaction_deleted_last_contact")
def refresh_last_contact(sender, instance: Interaction, **kwargs) -> None:
    partner_last_contact_refresh([instance.partner_id])


# Saving any of these may change a partner's contacts' keys.
KEY_FIELDS = frozenset({"name", "search_key", "partner", "partner_id"})


def _writes_key(update_fields) -> bool:
    return update_fields is None or bool(KEY_FIELDS & set(update_fields))


@receiver(pre_save, sender=ContactPerson, dispatch_uid="contact_key_before_save")
def read_contact_key_before_save(sender, instance: ContactPerson, update_fields=None, **kwargs):
    """The partner and key the row holds before the save (None for a new contact), read from
    the database rather than from the instance, which may be older than the row."""
    instance.key_before_save = None
    if instance.pk is not None and _writes_key(update_fields):
        row = ContactPerson.objects.filter(pk=instance.pk)
        instance.key_before_save = row.values_list("partner_id", "search_key").first()


@receiver(post_save, sender=ContactPerson, dispatch_uid="contact_saved_contacts_key")
def refresh_contacts_key_on_save(sender, instance: ContactPerson, update_fields=None, **kwargs):
    """A new contact, a new name or another partner: the keys of the partner it is with now
    and of the one it was with (a save of its phone or title leaves them)."""
    if not _writes_key(update_fields):
        return
    before = getattr(instance, "key_before_save", None) or (None, None)
    written = KEY_FIELDS if update_fields is None else set(update_fields)
    partner_id = instance.partner_id if written & {"partner", "partner_id"} else before[0]
    key = instance.search_key if "search_key" in written else before[1]
    if (partner_id, key) != before:
        partner_contacts_key_refresh({partner_id, before[0]})


@receiver(post_delete, sender=ContactPerson, dispatch_uid="contact_deleted_contacts_key")
def refresh_contacts_key_on_delete(sender, instance: ContactPerson, origin=None, **kwargs):
    """Not when the contact goes with its partner: that row is being deleted."""
    if isinstance(origin, Partner) or (isinstance(origin, QuerySet) and origin.model is Partner):
        return
    partner_contacts_key_refresh({instance.partner_id})
