"""The base of the project's model serializers."""

import copy

from django.utils import translation
from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ``ModelSerializer`` whose fields are worked out once per class and language.

    DRF rebuilds a model serializer's fields from the model's metadata for every instance, and
    a partner's detail builds nine serializers (the partner and each nested reference): under
    the benchmark's profiler that was over half of writing the answer. What
    ``ModelSerializer.get_fields`` returns depends on the class (its Meta, declared fields and
    the model) and on the active language, never on the instance, data or context: DRF fixes
    a unique field's "already exists" message in the language of the moment and leaves out
    labels that translate to the field's own name. So fields are built once per class and
    language, and every instance gets a deep copy: DRF's own way of giving each instance its
    declared fields, which makes each field anew from the arguments it was made with.
    Overrides of ``get_fields`` that depend on the instance (a field read-only when editing)
    run on that copy as before."""

    def get_fields(self):
        cls = type(self)
        templates = cls.__dict__.get("_field_templates")
        if templates is None:
            templates = {}
            cls._field_templates = templates
        language = translation.get_language()
        template = templates.get(language)
        if template is None:
            template = templates[language] = super().get_fields()
        return copy.deepcopy(template)
