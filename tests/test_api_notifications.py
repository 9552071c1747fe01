"""The in-app inbox: each user reads and marks only its own notifications."""

import pytest
from rest_framework.test import APIClient

from partners.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


def test_list_unread_count_mark_read_and_read_all():
    me, other = UserFactory(), UserFactory()
    first = Notification.objects.create(recipient=me, title="今日待办")
    Notification.objects.create(recipient=me, title="逾期督办")
    theirs = Notification.objects.create(recipient=other, title="别人的")
    client = APIClient()
    client.force_authenticate(me)
    assert {n["title"] for n in client.get(URL).json()["results"]} == {"今日待办", "逾期督办"}
    assert client.get(f"{URL}unread-count/").json() == {"unread": 2}
    assert client.post(f"{URL}{first.pk}/read/").json()["read_at"] is not None
    assert client.get(f"{URL}unread-count/").json() == {"unread": 1}
    assert [n["title"] for n in client.get(URL, {"unread": "true"}).json()["results"]] == [
        "逾期督办"
    ]
    assert client.post(f"{URL}read-all/").json() == {"marked": 1}
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
