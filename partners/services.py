"""Writes of partner data. Every rule about what may be saved lives here; the admin, the API
and the importers call these functions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import can_override_uscc_check
from core.services import lock_version
from partners import selectors
from partners.models import ContactPerson, Partner
from partners.uscc import check_digit_error, normalize_uscc, validate_uscc_format

PARTNER_RELATIONS = ("industries", "segments", "tags")


@dataclass(frozen=True)
class UsccCheck:
    code: str
    overridden: bool


def partner_check_uscc(
    *, uscc: str, actor, override_check_digit: bool = False, exclude_pk: int | None = None
) -> UsccCheck:
    """Normalise and validate a partner's code: format, check character, not already taken.

    A wrong check character is accepted only when ``override_check_digit`` is asked for by an
    administrator or a manager; the caller records that with ``partner_apply_uscc_check``.
    """
    try:
        validate_uscc_format(uscc)
    except ValidationError as error:
        raise ValidationError({"uscc": error}) from None
    code = normalize_uscc(uscc)
    overridden = False
    error = check_digit_error(code)
    if error is not None:
        if not override_check_digit:
            raise ValidationError({"uscc": error})
        if actor is None or not can_override_uscc_check(actor):
            raise ValidationError(
                {
                    "uscc": ValidationError(
                        _(
                            "Only an administrator or a manager may accept a code whose "
                            "check character is wrong."
                        ),
                        code="uscc_override_forbidden",
                    )
                }
            )
        overridden = True
    _ensure_uscc_free(code, exclude_pk=exclude_pk)
    return UsccCheck(code=code, overridden=overridden)


def _ensure_uscc_free(code: str, *, exclude_pk: int | None) -> None:
    existing = selectors.partner_by_uscc(code, exclude_pk=exclude_pk)
    if existing is not None:
        raise ValidationError(
            {
                "uscc": ValidationError(
                    _("This unified social credit code already belongs to “%(name)s” (id %(id)s)."),
                    code="uscc_duplicate",
                    params={"name": existing.name, "id": existing.pk},
                )
            }
        )


def partner_apply_uscc_check(partner: Partner, check: UsccCheck, *, actor) -> None:
    """Put a checked code on the partner and record who accepted a wrong check character."""
    code_changed = partner.uscc != check.code
    partner.uscc = check.code
    if check.overridden and (code_changed or partner.uscc_check_overridden_by_id is None):
        partner.uscc_check_overridden_by = actor
        partner.uscc_check_overridden_at = timezone.now()
    elif not check.overridden:
        partner.uscc_check_overridden_by = None
        partner.uscc_check_overridden_at = None


def _save_checked(partner: Partner, relations: dict) -> Partner:
    partner.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        # Another request took the code between the check and the insert.
        _ensure_uscc_free(partner.uscc, exclude_pk=partner.pk)
        raise
    for name, values in relations.items():
        getattr(partner, name).set(values)
    return partner


def _split_relations(fields: dict) -> tuple[dict, dict]:
    relations = {name: fields.pop(name) for name in PARTNER_RELATIONS if name in fields}
    return fields, relations


@transaction.atomic
def partner_create(*, actor, uscc: str, override_check_digit: bool = False, **fields) -> Partner:
    fields, relations = _split_relations(fields)
    check = partner_check_uscc(uscc=uscc, actor=actor, override_check_digit=override_check_digit)
    partner = Partner(**fields)
    partner_apply_uscc_check(partner, check, actor=actor)
    return _save_checked(partner, relations)


@transaction.atomic
def partner_update(
    *,
    partner: Partner,
    actor,
    override_check_digit: bool = False,
    expected_version: int | None = None,
    **fields,
) -> Partner:
    partner = lock_version(partner, expected_version)
    fields, relations = _split_relations(fields)
    uscc = fields.pop("uscc", partner.uscc)
    check = partner_check_uscc(
        uscc=uscc, actor=actor, override_check_digit=override_check_digit, exclude_pk=partner.pk
    )
    for name, value in fields.items():
        setattr(partner, name, value)
    partner_apply_uscc_check(partner, check, actor=actor)
    return _save_checked(partner, relations)


@transaction.atomic
def contact_create(*, partner: Partner, name: str, is_primary: bool = False, **fields):
    """Add a contact person; a new primary contact takes over from the previous one."""
    if is_primary:
        partner.contacts.filter(is_primary=True).update(is_primary=False, version=F("version") + 1)
    contact = ContactPerson(partner=partner, name=name, is_primary=is_primary, **fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: ContactPerson, expected_version: int | None = None, **fields):
    """Edit a contact person; making it primary takes over from the previous primary."""
    contact = lock_version(contact, expected_version)
    if fields.get("is_primary") and not contact.is_primary:
        contact.partner.contacts.filter(is_primary=True).exclude(pk=contact.pk).update(
            is_primary=False, version=F("version") + 1
        )
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    return contact
