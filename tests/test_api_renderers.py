"""The API's JSON renderer (orjson) writes what DRF's own renderer writes."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from accounts.roles import Role
from core.api.renderers import JSONRenderer
from partners.models import Partner
from tests.factories import PartnerFactory

MOMENT = dt.datetime(2024, 5, 6, 8, 30, 15, 123456, tzinfo=dt.UTC)

ANSWERS = {
    "a page": ReturnDict(
        {"count": 2, "results": ReturnList([{"id": 1, "name": "甲科技有限公司"}], serializer=None)},
        serializer=None,
    ),
    "times and dates": {
        "at": MOMENT,
        "local": MOMENT.astimezone(dt.timezone(dt.timedelta(hours=8))),
        "on": dt.date(2024, 5, 6),
        "time": dt.time(8, 30, 15, 123456),
        "took": dt.timedelta(seconds=90),
    },
    "numbers": {"capital": Decimal("1200.50"), "ratio": 0.1, "big": 2**60, "none": None},
    "translated and choices": {
        "label": gettext_lazy("industry"),
        "status": Partner.Status.ACTIVE,
        "role": Role.MANAGER,
        "error": ErrorDetail("必填", code="required"),
    },
    "collections": {"ids": {3}, "pair": (1, 2), 7: "a number as a key", "id": uuid.UUID(int=5)},
    "line separators": {"text": "第一行\u2028第二行\u2029完"},
    "nothing": None,
    "a list": [1, "二", True],
}


@pytest.mark.parametrize("name", ANSWERS)
def test_the_json_is_drfs_byte_for_byte(name):
    data = ANSWERS[name]
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_a_time_keeps_drfs_form():
    assert JSONRenderer().render({"at": MOMENT}) == b'{"at":"2024-05-06T08:30:15.123456Z"}'


def test_a_pretty_printed_answer_is_drfs():
    data = {"name": "甲", "ids": [1, 2]}
    written = JSONRenderer().render(data, "application/json; indent=2")
    assert written == renderers.JSONRenderer().render(data, "application/json; indent=2")
    assert b"\n" in written


def test_a_value_json_cannot_hold_is_refused_as_drf_refuses_it():
    with pytest.raises(TypeError):
        JSONRenderer().render({"what": object()})


def test_the_api_answers_with_drfs_text(api, staff_user):
    PartnerFactory(name="甲科技有限公司", joined_on=dt.date(2024, 5, 6))
    response = api.get("/api/v1/partners/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response.content == renderers.JSONRenderer().render(response.data)
    assert "甲科技有限公司".encode() in response.content  # UTF-8, not \u escapes
