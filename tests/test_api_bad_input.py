"""No bad input reaches a 500: every query parameter and every body field of every operation in
the schema is sent values of the wrong kind, and the answer is a 4xx (or a 200 list)."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

GARBAGE = ["x" * 5000, "-1", "99999999999999999999", "'; drop table x;--１２"]
GARBAGE_BODY = [{"nested": ["x"]}, 1e308, "x" * 3000, None]


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation, schema


OPERATIONS = list(operations())


def concrete(path: str, pk: int) -> str:
    return (
        path.replace("{id}", str(pk))
        .replace("{token_key}", "nokey")
        .replace("{partner_id}", str(pk))
    )


@pytest.mark.parametrize(
    ("path", "operation"),
    [(p, o) for p, m, o, _s in OPERATIONS if m == "GET"],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_garbage_query_parameters_never_cause_a_500(api, path, operation):
    partner = PartnerFactory()
    url = concrete(path, partner.pk)
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        for value in GARBAGE:
            response = api.get(url, {parameter["name"]: value})
            assert response.status_code < 500, (url, parameter["name"], value)
            assert response.status_code in {200, 400, 404}, (url, parameter["name"], value)


def body_fields(operation, schema) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    return list(component.get("properties", {}))


@pytest.mark.parametrize(
    ("path", "method", "operation", "schema"),
    [op for op in OPERATIONS if op[1] in {"POST", "PUT", "PATCH"}],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_wrong_types_in_bodies_are_4xx(api, path, method, operation, schema):
    partner = PartnerFactory()
    url = concrete(path, partner.pk)
    for field in body_fields(operation, schema):
        for value in GARBAGE_BODY:
            body = json.dumps({field: value})
            response = api.generic(method, url, body, content_type="application/json")
            assert 400 <= response.status_code < 500 or response.status_code in {200, 201}, (
                url,
                method,
                field,
                value,
                response.status_code,
            )
