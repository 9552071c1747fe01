"""Query-string handling shared by the API's list endpoints."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` on the fields a view allows; anything else is a 400, not silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        fields = [param.strip() for param in params.split(",") if param.strip()]
        allowed = {
            name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
        }
        unknown = [field for field in fields if field.lstrip("-") not in allowed]
        if unknown:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        exceptions.ErrorDetail(
                            _("Cannot order by %(fields)s; allowed: %(allowed)s.")
                            % {"fields": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
                            code="invalid_ordering",
                        )
                    ]
                }
            )
        return fields
