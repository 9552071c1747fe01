"""The base of the project's model serializers."""

import copy

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ``ModelSerializer`` whose fields are worked out once per class.

    DRF rebuilds a model serializer's fields from the model's metadata for every instance, and
    a partner's detail builds nine serializers (the partner and each nested reference): under
    the benchmark's profiler that was over half of writing the answer. What
    ``ModelSerializer.get_fields`` returns depends on the class alone (its Meta, declared
    fields and the model), never on the instance, data or context, so it is built once and
    every instance gets a deep copy: DRF's own way of giving each instance its declared
    fields, which makes each field anew from the arguments it was made with. Overrides of
    ``get_fields`` that depend on the instance (a field read-only when editing) run on that
    copy as before."""

    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_field_template")
        if template is None:
            template = super().get_fields()
            cls._field_template = template
        return copy.deepcopy(template)
