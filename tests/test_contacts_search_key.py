"""A partner's contacts' search keys kept on its row (``Partner.contacts_search_key``), which
the partner list's search reads: current after every way a contact is written (service, API,
admin, a bulk delete, an import in tests/test_imports_partners.py), and filled by the
migration that added it."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import ContactPerson, Partner
from partners.services import contact_create, contact_update
from tests.factories import ContactFactory, PartnerFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("partners.migrations.0015_partner_contacts_search_key")


def contacts_key(partner: Partner) -> str:
    return Partner.objects.get(pk=partner.pk).contacts_search_key


def test_a_partner_holds_its_contacts_keys_in_contact_order():
    partner = PartnerFactory()
    first = contact_create(partner=partner, name="张伟", is_primary=True)
    second = contact_create(partner=partner, name="李娜")
    assert contacts_key(partner) == first.search_key + second.search_key
    assert " zhangwei " in contacts_key(partner)


def test_a_renamed_contact_changes_the_key_and_a_deleted_one_leaves_it(api):
    partner = PartnerFactory()
    contact = contact_create(partner=partner, name="张伟")
    contact_update(contact=contact, name="王芳")
    assert " wangfang " in contacts_key(partner)
    assert "zhangwei" not in contacts_key(partner)
    assert api.delete(f"/api/v1/contacts/{contact.pk}/").status_code == 204
    assert contacts_key(partner) == ""


def test_a_save_of_other_fields_does_not_touch_the_partner():
    """Demoting the primary contact saves ``is_primary`` alone: no partner is written."""
    contact = ContactFactory(name="张伟", is_primary=True)
    with CaptureQueriesContext(connection) as queries:
        contact.is_primary = False
        contact.save(update_fields=["is_primary"])
    assert not [q for q in queries.captured_queries if 'partners_partner"' in q["sql"]]


def test_a_contact_moved_to_another_partner_leaves_the_first_one():
    """The admin lets a contact change partners: both keys change."""
    contact = ContactFactory(name="张伟")
    before, after = contact.partner, PartnerFactory()
    moved = ContactPerson.objects.get(pk=contact.pk)
    moved.partner = after
    moved.save()
    assert contacts_key(before) == ""
    assert contacts_key(after) == moved.search_key


def test_a_bulk_delete_leaves_each_partner_without_the_contacts():
    """A queryset's delete (the admin's "delete selected") sends a signal per contact."""
    kept = ContactFactory(name="李娜")
    partner = kept.partner
    ContactFactory(partner=partner, name="张伟")
    ContactPerson.objects.filter(name="张伟").delete()
    assert contacts_key(partner) == kept.search_key


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"], ids=["one UPDATE", "in Python"])
def test_the_migration_fills_every_partner_s_key(monkeypatch, vendor):
    if vendor == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's string_agg")
    partner = PartnerFactory()
    first = ContactFactory(partner=partner, name="张伟")
    second = ContactFactory(partner=partner, name="李娜")
    alone = PartnerFactory()
    Partner.objects.update(contacts_search_key="")

    class Editor:
        def __init__(self):
            self.connection = type("Connection", (), {"vendor": vendor})()

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.fill_contacts_search_keys(apps, Editor())
    assert contacts_key(partner) == first.search_key + second.search_key
    assert contacts_key(alone) == ""
