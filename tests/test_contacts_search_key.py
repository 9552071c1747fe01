"""A partner's contacts' search keys kept on its row (``Partner.contacts_search_key``), which
the partner list's search reads: current after every way a contact is written (service, API,
admin, a bulk delete, two writers at once, an import in tests/test_imports_partners.py), left
alone by a save of the partner, and filled by the migration that added it."""

import datetime as dt
import importlib
import threading
import time

import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners.models import ContactPerson, Partner
from partners.services import (
    contact_create,
    contact_update,
    interaction_record,
    partner_contacts_key_refresh,
)
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


def test_the_refresh_rewrites_a_stale_key_with_or_without_contacts():
    partner, alone = PartnerFactory(), PartnerFactory()
    first = ContactFactory(partner=partner, name="张伟")
    second = ContactFactory(partner=partner, name="李娜")
    Partner.objects.update(contacts_search_key="stale")
    partner_contacts_key_refresh([partner.pk, alone.pk])
    assert contacts_key(partner) == first.search_key + second.search_key
    assert contacts_key(alone) == ""


def test_a_renamed_contact_changes_the_key_and_a_deleted_one_leaves_it(api):
    partner = PartnerFactory()
    contact = contact_create(partner=partner, name="张伟")
    contact_update(contact=contact, name="王芳")
    assert " wangfang " in contacts_key(partner)
    assert "zhangwei" not in contacts_key(partner)
    assert api.delete(f"/api/v1/contacts/{contact.pk}/").status_code == 204
    assert contacts_key(partner) == ""


def key_writes(queries) -> list[str]:
    """The partners' keys written (``partner_contacts_key_refresh``)."""
    written = 'UPDATE "partners_partner" SET "contacts_search_key"'
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(written)]


def test_a_save_of_other_fields_does_not_touch_the_partner():
    """Demoting the primary contact saves ``is_primary`` alone, an edit of the phone every
    field but the same name: no partner's key is written."""
    contact = ContactFactory(name="张伟", is_primary=True)
    with CaptureQueriesContext(connection) as queries:
        contact.is_primary = False
        contact.save(update_fields=["is_primary"])
        contact_update(contact=ContactPerson.objects.get(pk=contact.pk), phone="13800138000")
    assert not key_writes(queries)


def test_a_contact_moved_to_another_partner_leaves_the_first_one():
    """The admin lets a contact change partners: both keys change."""
    contact = ContactFactory(name="张伟")
    before, after = contact.partner, PartnerFactory()
    moved = ContactPerson.objects.get(pk=contact.pk)
    moved.partner = after
    moved.save()
    assert contacts_key(before) == ""
    assert contacts_key(after) == moved.search_key


def test_a_contact_moved_twice_leaves_each_partner_it_left():
    """The same instance, new or read, saved with one partner after another."""
    for contact in (ContactFactory(name="张伟"), ContactPerson.objects.get(pk=ContactFactory().pk)):
        first, second, third = contact.partner, PartnerFactory(), PartnerFactory()
        for partner in (second, third):
            contact.partner = partner
            contact.save()
        assert (contacts_key(first), contacts_key(second)) == ("", "")
        assert contacts_key(third) == contact.search_key


def test_a_partner_deleted_with_its_contacts_is_not_written_on_the_way():
    partner = ContactFactory(name="张伟").partner
    ContactFactory(partner=partner, name="李娜")
    with CaptureQueriesContext(connection) as queries:
        partner.delete()
    assert not key_writes(queries)


def test_a_partner_saved_from_an_older_copy_keeps_what_others_wrote_since(staff_user):
    """The admin's form holds the partner read when the request began: a contact added and a
    contact logged meanwhile stay on the partner's row."""
    partner = PartnerFactory(steward=staff_user)
    stale = Partner.objects.get(pk=partner.pk)
    contact = contact_create(partner=partner, name="张伟")
    occurred_at = timezone.now() - dt.timedelta(hours=1)
    interaction_record(
        partner=partner, actor=staff_user, kind="visit", occurred_at=occurred_at, summary="走访"
    )
    stale.address = "丰台区"
    stale.save()
    saved = Partner.objects.get(pk=partner.pk)
    assert (saved.address, saved.contacts_search_key) == ("丰台区", contact.search_key)
    assert saved.last_contacted_at == occurred_at


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


def test_the_key_follows_the_row_not_an_older_copy_of_the_contact():
    """A copy read before a rename, saved with the old name, puts the old name back; a copy
    moved in memory but saved with its phone alone stays where it is, and its later full save
    moves it; a partly loaded copy renamed; a copy refreshed from the database."""
    contact = ContactFactory(name="张伟")
    partner, other = contact.partner, PartnerFactory()
    stale = ContactPerson.objects.get(pk=contact.pk)
    contact_update(contact=contact, name="王芳")
    stale.save()
    assert " zhangwei " in contacts_key(partner)
    stale.partner = other
    stale.save(update_fields=["phone"])
    assert (" zhangwei " in contacts_key(partner), contacts_key(other)) == (True, "")
    stale.save()
    assert (contacts_key(partner), " zhangwei " in contacts_key(other)) == ("", True)
    partly = ContactPerson.objects.only("name").get(pk=contact.pk)
    partly.name = "李娜"
    partly.save()
    assert " lina " in contacts_key(other)
    partly.refresh_from_db()
    partly.name = "张伟"
    partly.save()
    assert " zhangwei " in contacts_key(other)


def first_row_lock(queries) -> str:
    return next(q["sql"] for q in queries.captured_queries if " FOR " in q["sql"])


def test_a_contact_s_write_locks_its_partner_before_the_contact(api):
    """The partner's page saved with its contacts locks the partner first: so do the contact's
    own writes, or the two could each wait on the other (a deadlock)."""
    partner = PartnerFactory()
    contact = ContactFactory(partner=partner, name="张伟")
    writes = [
        lambda: contact_create(partner=partner, name="李娜", is_primary=True),
        lambda: contact_update(contact=contact, name="王芳"),
        lambda: api.delete(f"/api/v1/contacts/{contact.pk}/"),
    ]
    for write in writes:
        with CaptureQueriesContext(connection) as queries:
            write()
        assert first_row_lock(queries).startswith('SELECT "partners_partner"."id"')


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks")
def test_two_contacts_added_at_once_both_stay_in_the_key():
    """The second writer reads the contacts once the first has committed: it waits for the
    partner's lock before reading them, not only to write (its write then held a key without
    the first writer's contact)."""
    partner = PartnerFactory()
    while_held(
        lambda: contact_create(partner=partner, name="张伟"),
        lambda: contact_create(partner=partner, name="李娜"),
    )
    key = contacts_key(partner)
    assert " zhangwei " in key
    assert " lina " in key


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks")
def test_two_contacts_logged_at_once_keep_the_latest_as_the_last_contact(staff_user):
    """The one committed second is backdated: it must not write its older time over the
    first one's."""
    partner = PartnerFactory(steward=staff_user)
    now = timezone.now().replace(microsecond=0)

    def log(hours_ago: int):
        occurred_at = now - dt.timedelta(hours=hours_ago)
        return lambda: interaction_record(
            partner=partner, actor=staff_user, kind="visit", occurred_at=occurred_at, summary="走访"
        )

    while_held(log(1), log(5))
    assert Partner.objects.get(pk=partner.pk).last_contacted_at == now - dt.timedelta(hours=1)


def while_held(first, second) -> None:
    """``first`` in a transaction held open until ``second``, in another connection, waits for
    a lock; then both commit. An error in either fails the test."""
    held, release, errors = threading.Event(), threading.Event(), []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as error:  # noqa: BLE001 - reported to the test below
                errors.append(error)
            finally:
                held.set()
                connections.close_all()

        return threading.Thread(target=run)

    def first_held():
        with transaction.atomic():
            first()
            held.set()
            release.wait(timeout=30)

    threads = [in_thread(first_held), in_thread(second)]
    threads[0].start()
    assert held.wait(timeout=30)
    threads[1].start()
    _until_a_session_waits_for_a_lock()
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not [thread for thread in threads if thread.is_alive()]
    assert not errors


def _until_a_session_waits_for_a_lock(seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the second writer never waited")
