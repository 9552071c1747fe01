"""Writes of partner data. Every rule about what may be saved lives here; the admin, the API
and the importers call these functions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import can_override_uscc_check, is_staff_member
from chains.models import Industry
from core.audit import save_with_relations
from core.errors import Conflict, PermissionDenied
from core.exports import chunks
from core.services import instance_delete, lock_version
from partners import selectors
from partners.duplicates import DuplicateCandidate, partner_duplicate_candidates
from partners.models import ContactPerson, Partner, PartnerChangeRequest
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


class PossibleDuplicatePartner(Conflict):
    """Raised instead of creating a partner whose name is very like an existing one's; the
    answer lists the candidates, and the same request with ``confirm_duplicate`` creates it."""

    default_code = "possible_duplicate"
    default_message = gettext_lazy(
        "Partners with a very similar name already exist. Check them; to record this one all "
        "the same, send it again with confirm_duplicate set to true."
    )

    def __init__(self, candidates: list[DuplicateCandidate]):
        self.candidates = candidates
        super().__init__(extra={"candidates": [candidate.as_dict() for candidate in candidates]})


def _save_checked(partner: Partner, relations: dict) -> Partner:
    partner.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            save_with_relations(partner, relations)
    except IntegrityError:
        # Another request took the code between the check and the insert.
        _ensure_uscc_free(partner.uscc, exclude_pk=partner.pk)
        raise
    return partner


def _split_relations(fields: dict) -> tuple[dict, dict]:
    relations = {name: fields.pop(name) for name in PARTNER_RELATIONS if name in fields}
    return fields, relations


@transaction.atomic
def partner_create(
    *,
    actor,
    uscc: str,
    override_check_digit: bool = False,
    confirm_duplicate: bool = False,
    **fields,
) -> Partner:
    """A partner a staff member records is stewarded by that staff member unless it says
    otherwise, so that it can go on editing it. A code already taken is refused outright; a
    name very like an existing partner's raises ``PossibleDuplicatePartner`` unless
    ``confirm_duplicate`` says the caller has seen the candidates."""
    if fields.get("steward") is None and actor is not None and is_staff_member(actor):
        fields["steward"] = actor
    fields, relations = _split_relations(fields)
    check = partner_check_uscc(uscc=uscc, actor=actor, override_check_digit=override_check_digit)
    if not confirm_duplicate:
        candidates = partner_duplicate_candidates(name=fields.get("name", ""), uscc=check.code)
        if candidates:
            raise PossibleDuplicatePartner(candidates)
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
    for name, value in fields.items():
        setattr(partner, name, value)
    if uscc != partner.uscc:
        # An unchanged code keeps the judgement it was saved with: a wrong check character a
        # manager accepted stays accepted when someone edits the address.
        check = partner_check_uscc(
            uscc=uscc, actor=actor, override_check_digit=override_check_digit, exclude_pk=partner.pk
        )
        partner_apply_uscc_check(partner, check, actor=actor)
    return _save_checked(partner, relations)


@transaction.atomic
def contact_create(*, partner: Partner, name: str, is_primary: bool = False, **fields):
    """Add a contact person; a new primary contact takes over from the previous one."""
    lock_partners([partner.pk])
    if is_primary:
        _demote_primary_contacts(partner)
    contact = ContactPerson(partner=partner, name=name, is_primary=is_primary, **fields)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: ContactPerson, expected_version: int | None = None, **fields):
    """Edit a contact person; making it primary takes over from the previous primary."""
    lock_partners([contact.partner_id])
    contact = lock_version(contact, expected_version)
    if fields.get("is_primary") and not contact.is_primary:
        _demote_primary_contacts(contact.partner)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: ContactPerson, actor, expected_version: int | None = None) -> None:
    lock_partners([contact.partner_id])
    instance_delete(contact, actor=actor, expected_version=expected_version)


def lock_partners(partner_ids) -> list[int]:
    """Lock these partners' rows (``FOR NO KEY UPDATE``, in id order), inside the caller's
    transaction; returns the ids of those that exist. A write of contacts locks their partner
    first: the contacts' keys are written on the partner's row after the contacts, and a
    partner's page saved with its contacts locks the partner before them, so taking the
    contact first could wait on each other in opposite orders (a deadlock)."""
    ids = sorted(set(partner_ids) - {None})
    locked = Partner.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    return list(locked.values_list("pk", flat=True))


KEY_REFRESH_CHUNK = 1000  # partners a statement: SQLite binds at most 32,766 parameters


def partner_contacts_key_refresh(partner_ids) -> None:
    """Recompute ``Partner.contacts_search_key`` of these partners from their contacts' keys,
    in contact order. The field is derived, so it changes neither the partner's version nor
    its audit trail. Runs on every save or delete of a contact that changes a name or a
    partner (``partners.signals``); bulk writes call it themselves.

    Each partner is locked before its contacts are read (``lock_partners``): two contacts
    added at once to one partner would each read the contacts without the other's, and the
    later write would drop the first one's key. ``FOR NO KEY UPDATE``, which a contact's
    insert (its foreign key's ``KEY SHARE``) does not wait for. In chunks: SQLite binds at
    most 32,766 parameters."""
    with transaction.atomic():
        for chunk in chunks(sorted(set(partner_ids) - {None}), KEY_REFRESH_CHUNK):
            keys = dict.fromkeys(lock_partners(chunk), "")
            contacts = ContactPerson.objects.filter(partner_id__in=keys)
            rows = contacts.order_by("partner_id", "pk").values_list("partner_id", "search_key")
            for partner_id, key in rows:
                keys[partner_id] += key
            partners = [Partner(pk=pk, contacts_search_key=key) for pk, key in keys.items()]
            Partner.objects.bulk_update(partners, ["contacts_search_key"])


def _demote_primary_contacts(partner: Partner) -> None:
    """One save per row (not a bulk update) so that the audit trail records the change."""
    for previous in partner.contacts.filter(is_primary=True):
        previous.is_primary = False
        previous.save(update_fields=["is_primary"])


# Chain-leader self-service ----------------------------------------------------------------

SELF_SERVICE_FIELDS = ("address", "introduction", "business_scope", "needs")
KEY_FIELDS = ("name", "uscc", "organisation_type", "industries")


def _key_values(partner: Partner) -> dict:
    return {
        "name": partner.name,
        "uscc": partner.uscc,
        "organisation_type": partner.organisation_type,
        "industries": sorted(partner.industries.values_list("pk", flat=True)),
    }


def _requested_key_values(partner: Partner, fields: dict) -> dict:
    current = _key_values(partner)
    requested = {}
    for name in KEY_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if name == "industries":
            value = sorted(industry.pk for industry in value)
        if value != current[name]:
            requested[name] = value
    return requested


@transaction.atomic
def partner_self_service_update(
    *, partner: Partner, actor, expected_version: int | None = None, **fields
) -> PartnerChangeRequest | None:
    """A chain-leader unit edits its own record: self-service fields change at once, key fields
    (name, code, organisation type, industries) become a change request for its steward or a
    manager. Any other field is refused. Returns the new change request, if any."""
    refused = sorted(set(fields) - set(SELF_SERVICE_FIELDS) - set(KEY_FIELDS))
    if refused:
        raise PermissionDenied(
            _("A chain-leader unit cannot change these fields: %(fields)s.")
            % {"fields": ", ".join(refused)},
            code="field_not_editable",
            extra={"fields": refused},
        )
    partner = lock_version(partner, expected_version)
    plain = {name: value for name, value in fields.items() if name in SELF_SERVICE_FIELDS}
    if plain:
        for name, value in plain.items():
            setattr(partner, name, value)
        partner.full_clean(validate_unique=False)
        partner.save(update_fields=list(plain))
    requested = _requested_key_values(partner, fields)
    if not requested:
        return None
    return change_request_create(partner=partner, actor=actor, changes=requested)


def change_request_create(*, partner: Partner, actor, changes: dict) -> PartnerChangeRequest:
    if partner.change_requests.filter(status=PartnerChangeRequest.Status.PENDING).exists():
        raise Conflict(
            _("A change request for this partner is already waiting for a decision."),
            code="change_request_pending",
        )
    if "uscc" in changes:
        changes["uscc"] = partner_check_uscc(
            uscc=changes["uscc"], actor=actor, exclude_pk=partner.pk
        ).code
    request = PartnerChangeRequest(
        partner=partner, requested_by=actor, changes=changes, previous=_key_values(partner)
    )
    request.full_clean()
    request.save()
    return request


def _lock_pending(request: PartnerChangeRequest, expected_version) -> PartnerChangeRequest:
    request = lock_version(request, expected_version)
    if request.status != PartnerChangeRequest.Status.PENDING:
        raise Conflict(_("This change request has already been decided."), code="already_decided")
    return request


@transaction.atomic
def change_request_approve(
    *, request: PartnerChangeRequest, actor, expected_version: int | None = None
) -> PartnerChangeRequest:
    """Apply the requested values through the same checks as any edit, and record the decision."""
    request = _lock_pending(request, expected_version)
    changes = dict(request.changes)
    if "industries" in changes:
        changes["industries"] = list(Industry.objects.filter(pk__in=changes["industries"]))
    partner_update(partner=request.partner, actor=actor, **changes)
    return _decide(request, actor, PartnerChangeRequest.Status.APPROVED, "")


@transaction.atomic
def change_request_reject(
    *, request: PartnerChangeRequest, actor, reason: str, expected_version: int | None = None
) -> PartnerChangeRequest:
    request = _lock_pending(request, expected_version)
    if not reason.strip():
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why the request is rejected."), code="reason_required"
                )
            }
        )
    return _decide(request, actor, PartnerChangeRequest.Status.REJECTED, reason.strip())


def _decide(request: PartnerChangeRequest, actor, status: str, reason: str):
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.full_clean()
    request.save()
    return request
