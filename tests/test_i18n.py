"""Chinese is the default language and every label of the domain models is translated."""

import gettext
import re

import pytest
from django.apps import apps
from django.utils import translation

CJK = re.compile(r"[\u4e00-\u9fff]")
DOMAIN_APPS = ("accounts", "chains", "core", "partners", "projects")
ENGLISH_BY_DESIGN = {"English"}


def domain_labels():
    for app_label in DOMAIN_APPS:
        config = apps.get_app_config(app_label)
        yield str(config.verbose_name)
        for model in config.get_models():
            if model._meta.model_name.startswith("historical"):
                continue  # django-simple-history's own models
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


def po_entries(path):
    """(msgid, msgid_plural, msgstr, flags) of each entry of a .po file, continuation lines
    joined; a plural entry's msgstr is its only form (Chinese has one)."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        parts: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
                key, _space, rest = line.partition(" ")
                parts[key.replace("[0]", "")] = rest.strip('"')
            elif line.startswith('"') and key:
                parts[key.replace("[0]", "")] += line.strip('"')
        if parts.get("msgid"):
            yield parts["msgid"], parts.get("msgid_plural"), parts.get("msgstr", ""), flags


def _compiled(catalogue, msgid: str, plural: str | None) -> str:
    def unescape(text):
        return text.replace('\\"', '"')

    if plural is None:
        return catalogue.gettext(unescape(msgid))
    return catalogue.ngettext(unescape(msgid), unescape(plural), 1)


def test_the_chinese_catalogue_is_complete_and_compiled(settings):
    locale = settings.LOCALE_PATHS[0] / "zh_Hans" / "LC_MESSAGES"
    incomplete = [
        msgid
        for msgid, _plural, msgstr, flags in po_entries(locale / "django.po")
        if not msgstr or "fuzzy" in flags
    ]
    assert incomplete == []
    with (locale / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for msgid, plural, msgstr, _flags in po_entries(locale / "django.po")
        if _compiled(catalogue, msgid, plural) != msgstr.replace('\\"', '"')
    ]
    assert stale == [], "run `make messages` to recompile the catalogue"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "校验位错误：应为“6”，实为“7”。"), ("en", "expected “6”, got “7”")],
)
def test_validation_messages_follow_the_language(language, expected):
    from django.core.exceptions import ValidationError

    from partners.uscc import validate_uscc

    with translation.override(language), pytest.raises(ValidationError) as info:
        validate_uscc("914403001922038217")
    assert expected in info.value.messages[0]
