"""The project's model serializers work out their fields once per class and give every
instance its own copy."""

import pytest
from django.utils import translation
from rest_framework import serializers as drf
from rest_framework.validators import UniqueValidator

from core.api.serializers import ModelSerializer
from partners.models import QualificationTag
from partners.serializers import ContactPersonSerializer, QualificationTagSerializer
from tests.factories import ContactFactory


class CountingTagSerializer(ModelSerializer):
    built = 0
    note = drf.CharField(required=False)

    class Meta:
        model = QualificationTag
        fields = ("id", "name", "description", "note")

    def build_field(self, *args, **kwargs):
        type(self).built += 1
        return super().build_field(*args, **kwargs)


def test_fields_are_built_once_and_copied_for_each_instance():
    first, second = CountingTagSerializer(), CountingTagSerializer()
    assert list(first.fields) == list(second.fields) == ["id", "name", "description", "note"]
    assert CountingTagSerializer.built == 3  # the model's fields, for the first instance only
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second
    assert first.fields["name"].max_length == QualificationTag._meta.get_field("name").max_length


@pytest.mark.django_db
def test_copies_validate_alike_and_alone():
    long_name = "长" * 200
    assert not CountingTagSerializer(data={"name": long_name}).is_valid()
    valid = CountingTagSerializer(data={"name": "专精特新", "note": "x"})
    assert valid.is_valid(), valid.errors
    assert valid.validated_data == {"name": "专精特新", "note": "x"}


@pytest.mark.django_db
def test_an_override_that_depends_on_the_instance_still_does():
    contact = ContactFactory()
    assert ContactPersonSerializer(contact).fields["partner_id"].read_only
    assert not ContactPersonSerializer().fields["partner_id"].read_only
    assert ContactPersonSerializer(contact).fields["partner_id"].read_only


def unique_message(serializer) -> str:
    field = serializer.fields["name"]
    (validator,) = [v for v in field.validators if isinstance(v, UniqueValidator)]
    return str(validator.message)


def test_fields_are_built_in_each_language_not_in_the_first_ones():
    """DRF fixes a duplicate's message in the language of the moment: fields first built for
    an English request must not answer a Chinese one in English."""
    with translation.override("en"):
        english = unique_message(QualificationTagSerializer())
        english_label = QualificationTagSerializer().fields["name"].label
    with translation.override("zh-hans"):
        chinese = unique_message(QualificationTagSerializer())
        chinese_label = QualificationTagSerializer().fields["name"].label
    assert english == "qualification tag with this name already exists."
    assert "已存在" in chinese
    assert english_label == "Name"
    assert chinese_label == "名称"
