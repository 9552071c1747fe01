"""Query-string handling shared by the API's list endpoints."""

from functools import lru_cache

from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter


class GivenFiltersBackend(DjangoFilterBackend):
    """django-filter's backend, building for a request only the filters its query string gives.

    A filter set copies every filter and builds a form field for each on every request (about a
    fifth of a partner list's time, most of its filters unused); one with only the given
    filters validates and filters the same way, since an absent filter filters nothing. The
    browsable API's filter form (``to_html``) still shows them all."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        narrowed = given_filters(filterset_class, frozenset(request.query_params))
        filterset = narrowed(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


def given_filters(filterset_class, params: frozenset[str]):
    """``filterset_class`` narrowed to the filters that read one of ``params``: a filter reads
    its own name, or its name with a suffix for a range (``joined_after``, ``capital_min``)."""
    names = frozenset(
        name
        for name in filterset_class.base_filters
        if any(param == name or param.startswith(name + "_") for param in params)
    )
    return _narrowed(filterset_class, names)


@lru_cache(maxsize=512)
def _narrowed(filterset_class, names: frozenset[str]):
    narrowed = type(filterset_class.__name__, (filterset_class,), {})
    narrowed.base_filters = {
        name: filter_ for name, filter_ in filterset_class.base_filters.items() if name in names
    }
    return narrowed


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
