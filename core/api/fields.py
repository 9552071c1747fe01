import django_filters as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class ModelIdFilter(filters.ModelChoiceFilter):
    """A filter by the id of a related record; an unknown id is a 400, not an empty list."""
