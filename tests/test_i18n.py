"""Chinese is the default language and every label of the domain models is translated."""

import re

import pytest
from django.apps import apps
from django.utils import translation

CJK = re.compile(r"[\u4e00-\u9fff]")
DOMAIN_APPS = ("accounts", "chains", "partners", "projects")
ENGLISH_BY_DESIGN = {"English"}


def domain_labels():
    for app_label in DOMAIN_APPS:
        config = apps.get_app_config(app_label)
        yield str(config.verbose_name)
        for model in config.get_models():
            yield model._meta.verbose_name
            yield model._meta.verbose_name_plural
            for field in model._meta.get_fields(include_parents=False):
                if hasattr(field, "verbose_name") and not field.auto_created:
                    yield field.verbose_name
                for _value, label in getattr(field, "flatchoices", None) or []:
                    yield label


def test_every_domain_label_has_a_chinese_translation():
    with translation.override("zh-hans"):
        untranslated = {
            str(label)
            for label in domain_labels()
            if not CJK.search(str(label)) and str(label) not in ENGLISH_BY_DESIGN
        }
    # Django's own AbstractUser fields are translated by Django itself.
    assert untranslated == set()


@pytest.mark.django_db
def test_english_is_available_through_accept_language(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/partners/partner/", headers={"accept-language": "en"})
    assert "development partner" in response.text.lower()
    assert response.headers["Content-Language"] == "en"
