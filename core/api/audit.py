"""``GET /api/v1/audit/?object=partners.partner:5`` (or ``?model=partners.partner``), filterable
by ``user``, ``since`` and ``until``: who changed what, when, from where, from what to what.
Read-only by construction: the resource has no write methods."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets

from core import history

EntrySerializer = inline_serializer(
    name="AuditEntry",
    fields={
        "id": serializers.IntegerField(),
        "model": serializers.CharField(),
        "object_id": serializers.IntegerField(),
        "object_repr": serializers.CharField(),
        "action": serializers.ChoiceField(choices=list(history.ACTIONS.values())),
        "at": serializers.DateTimeField(),
        "user": serializers.DictField(allow_null=True),
        "source": serializers.CharField(),
        "changes": serializers.ListField(child=serializers.DictField()),
    },
)


EntryList = serializers.ListSerializer(child=EntrySerializer)


def _invalid(field: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [exceptions.ErrorDetail(message, code="invalid")]})


def _json_value(value):
    return (
        value if isinstance(value, int | float | bool | str | list) or value is None else str(value)
    )


class AuditViewSet(viewsets.GenericViewSet):
    action_permissions = {"list": "accounts.view_audit"}
    filter_backends = ()

    def _target(self):
        params = self.request.query_params
        raw = params.get("object") or params.get("model")
        if not raw:
            raise _invalid("object", _("Name an object (app.model:id) or a model (app.model)."))
        label, _sep, object_id = raw.partition(":")
        model = history.audited_models().get(label.lower())
        if model is None:
            raise _invalid("object", _("“%(label)s” has no audit trail.") % {"label": label})
        if object_id and not object_id.isdigit():
            raise _invalid("object", _("An object id is a whole number."))
        return model, int(object_id) if object_id else None

    def _time(self, name: str):
        raw = self.request.query_params.get(name)
        if not raw:
            return None
        value = parse_datetime(raw)
        if value is None:
            raise _invalid(name, _("Use an ISO 8601 date and time."))
        return value

    def _user(self):
        raw = self.request.query_params.get("user")
        if raw and not raw.isdigit():
            raise _invalid("user", _("A user id is a whole number."))
        return int(raw) if raw else None

    @extend_schema(
        parameters=[
            OpenApiParameter("object", str, description="app.model:id, e.g. partners.partner:5"),
            OpenApiParameter("model", str, description="app.model: every object of a model"),
            OpenApiParameter("user", int, description="changes by this user"),
            OpenApiParameter("since", str, description="ISO 8601 date-time"),
            OpenApiParameter("until", str, description="ISO 8601 date-time"),
        ],
        responses=EntryList,
    )
    def list(self, request):
        model, object_id = self._target()
        rows = history.history_rows(
            model,
            object_id=object_id,
            user_id=self._user(),
            since=self._time("since"),
            until=self._time("until"),
        )
        page = self.paginate_queryset(rows)
        label = model._meta.label_lower
        pairs, m2m_values = history.with_previous(model, page)
        entries = [self._entry(model, label, r, p, m2m_values) for r, p in pairs]
        return self.get_paginated_response(entries)

    @staticmethod
    def _entry(model, label: str, record, previous, m2m_values: dict) -> dict:
        user = record.history_user
        return {
            "id": record.history_id,
            "model": label,
            "object_id": record.id,
            "object_repr": history.record_repr(model, record) if record.history_type != "-" else "",
            "action": history.ACTIONS[record.history_type],
            "at": record.history_date,
            "user": {"id": user.pk, "username": user.username} if user else None,
            "source": record.history_source,
            "changes": [
                {
                    "field": change.field,
                    "label": change.label,
                    "from": _json_value(change.before),
                    "to": _json_value(change.after),
                }
                for change in history.changes_between(model, record, previous, m2m_values)
            ],
        }
