"""Writes of engagement: logging contacts, follow-ups and enterprise requests.

Recording an interaction with a next follow-up date creates the follow-up in the same
transaction; a request's deadline is its category's number of working days after receipt;
every change of a request's status, owner, deadline or rating is an event of its own.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import save_with_relations
from core.errors import Conflict
from core.services import lock_version
from partners.models import (
    EnterpriseRequest,
    FollowUp,
    Interaction,
    Partner,
    RequestDeadlineRule,
    RequestEvent,
)
from partners.services.organisations import lock_partners
from partners.workdays import add_workdays, workdays_between

DEFAULT_REQUEST_WORKING_DAYS = 10


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_contacts_belong(partner: Partner, contacts) -> None:
    strangers = [c for c in contacts if c.partner_id != partner.pk]
    if strangers:
        raise _field_error(
            "contacts_met",
            _("Only contact persons of this partner can have been met."),
            "contact_of_another_partner",
        )


@transaction.atomic
def interaction_record(
    *,
    partner: Partner,
    actor,
    kind: str,
    occurred_at: dt.datetime,
    summary: str,
    outcome: str = "",
    staff_present=(),
    contacts_met=(),
    next_follow_up_on: dt.date | None = None,
    follow_up_action: str = "",
    closes: list[FollowUp] | tuple = (),
) -> Interaction:
    """Log a contact. With ``next_follow_up_on`` the follow-up is created at once, owned by
    the partner's steward (or the recorder); ``closes`` are open follow-ups this contact
    fulfilled."""
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise _field_error("occurred_at", _("A contact cannot be logged in the future."), "future")
    _check_contacts_belong(partner, contacts_met)
    interaction = Interaction(
        partner=partner,
        recorded_by=actor,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary.strip(),
        outcome=outcome,
        next_follow_up_on=next_follow_up_on,
    )
    interaction.full_clean()
    save_with_relations(
        interaction, {"staff_present": list(staff_present), "contacts_met": list(contacts_met)}
    )
    if next_follow_up_on is not None:
        follow_up_create(
            partner=partner,
            owner=partner.steward or actor,
            due_on=next_follow_up_on,
            action=follow_up_action or summary,
            created_by_interaction=interaction,
        )
    for follow_up in closes:
        follow_up_close(follow_up=follow_up, actor=actor, status="done", interaction=interaction)
    return interaction


@transaction.atomic
def partner_last_contact_refresh(partner_ids) -> None:
    """Recompute ``Partner.last_contacted_at`` from the interactions, in one UPDATE. The field is
    derived, so it changes neither the partner's version nor its audit trail. Runs on every
    interaction save or delete (``partners.signals``); bulk writes call it themselves. The
    partners are locked first, so that the UPDATE reads the interactions committed by a
    writer it waited for (two visits logged at once, the later one backdated, kept the
    earlier maximum)."""
    partner_ids = lock_partners(partner_ids)
    latest = (
        Interaction.objects.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    Partner.objects.filter(pk__in=list(partner_ids)).update(last_contacted_at=Subquery(latest))


def follow_up_create(*, partner, owner, due_on, action, created_by_interaction=None) -> FollowUp:
    follow_up = FollowUp(
        partner=partner,
        owner=owner,
        due_on=due_on,
        action=action,
        created_by_interaction=created_by_interaction,
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_close(
    *,
    follow_up: FollowUp,
    actor,
    status: str,
    interaction: Interaction | None = None,
    expected_version: int | None = None,
) -> FollowUp:
    """Mark an open follow-up done (optionally by the interaction that fulfilled it) or
    cancelled."""
    follow_up = lock_version(follow_up, expected_version)
    if follow_up.status != FollowUp.Status.OPEN:
        raise Conflict(_("This follow-up is already closed."), code="follow_up_closed")
    if status not in (FollowUp.Status.DONE, FollowUp.Status.CANCELLED):
        raise _field_error("status", _("Close a follow-up as done or cancelled."), "invalid_choice")
    if interaction is not None and interaction.partner_id != follow_up.partner_id:
        raise _field_error(
            "interaction", _("The interaction is with another partner."), "other_partner"
        )
    follow_up.status = status
    follow_up.closed_at = timezone.now()
    follow_up.closed_by_interaction = interaction
    follow_up.full_clean()
    follow_up.save()
    return follow_up


def request_working_days(category: str) -> int:
    rule = RequestDeadlineRule.objects.filter(category=category).first()
    return rule.working_days if rule else DEFAULT_REQUEST_WORKING_DAYS


@transaction.atomic
def request_raise(
    *,
    partner: Partner,
    actor,
    category: str,
    description: str,
    received_on: dt.date | None = None,
    raised_in: Interaction | None = None,
    owner_department: str = "",
    owner=None,
) -> EnterpriseRequest:
    """Record an enterprise's request; its deadline is the category's working days after the
    day it was received (Chinese public holidays and adjusted workdays counted)."""
    received_on = received_on or timezone.localdate()
    if raised_in is not None and raised_in.partner_id != partner.pk:
        raise _field_error(
            "raised_in", _("The interaction is with another partner."), "other_partner"
        )
    request = EnterpriseRequest(
        partner=partner,
        raised_by=actor,
        raised_in=raised_in,
        category=category,
        description=description.strip(),
        owner_department=owner_department,
        owner=owner or partner.steward,
        received_on=received_on,
        deadline=add_workdays(received_on, request_working_days(category)),
    )
    request.full_clean()
    request.save()
    _event(request, actor, RequestEvent.Kind.STATUS, "", request.status)
    return request


def _event(request, actor, kind, before, after, note: str = "") -> None:
    RequestEvent.objects.create(
        request=request, kind=kind, from_value=str(before), to_value=str(after), note=note, by=actor
    )


# received → in progress → resolved → closed; a resolved request can be reopened.
REQUEST_TRANSITIONS = {
    "received": {"in_progress", "resolved"},
    "in_progress": {"resolved"},
    "resolved": {"closed", "in_progress"},
    "closed": set(),
}


@transaction.atomic
def request_change_status(
    *, request: EnterpriseRequest, actor, to_status: str, note: str = "", expected_version=None
) -> EnterpriseRequest:
    request = lock_version(request, expected_version)
    if to_status not in REQUEST_TRANSITIONS.get(request.status, set()):
        raise _field_error(
            "status",
            _("A request cannot move from “%(from)s” to “%(to)s”.")
            % {"from": request.get_status_display(), "to": _status_label(to_status)},
            "request_transition_not_allowed",
        )
    before = request.status
    request.status = to_status
    now = timezone.now()
    if to_status == "resolved":
        request.resolved_at = now
        request.handling_workdays = request_handling_workdays(request.received_on, now)
    if to_status == "closed":
        request.closed_at = now
    if to_status == "in_progress":
        request.resolved_at = request.handling_workdays = None
    request.full_clean()
    request.save()
    _event(request, actor, RequestEvent.Kind.STATUS, before, to_status, note)
    return request


def request_handling_workdays(received_on: dt.date, resolved_at: dt.datetime) -> int:
    """Working days after the day received up to and including the day resolved (local time):
    0 for a request resolved the day it came in."""
    return workdays_between(received_on, timezone.localtime(resolved_at).date())


def _status_label(status: str) -> str:
    return (
        EnterpriseRequest.Status(status).label
        if status in EnterpriseRequest.Status.values
        else status
    )


def _reason_required(reason: str) -> str:
    if not reason.strip():
        raise _field_error("reason", _("Give a reason."), "reason_required")
    return reason.strip()


@transaction.atomic
def request_reassign(
    *,
    request,
    actor,
    owner=None,
    owner_department: str | None = None,
    reason: str,
    expected_version=None,
) -> EnterpriseRequest:
    reason = _reason_required(reason)
    request = lock_version(request, expected_version)
    before = f"{request.owner_department}/{request.owner_id or ''}"
    if owner is not None:
        request.owner = owner
    if owner_department is not None:
        request.owner_department = owner_department
    request.full_clean()
    request.save()
    after = f"{request.owner_department}/{request.owner_id or ''}"
    _event(request, actor, RequestEvent.Kind.REASSIGNED, before, after, reason)
    return request


@transaction.atomic
def request_extend(
    *, request, actor, working_days: int, reason: str, expected_version=None
) -> EnterpriseRequest:
    """Move the deadline later by a number of working days, with a reason."""
    reason = _reason_required(reason)
    if working_days < 1:
        raise _field_error("working_days", _("Extend by at least one working day."), "min_value")
    request = lock_version(request, expected_version)
    if request.status not in ("received", "in_progress"):
        raise Conflict(_("Only an open request can be extended."), code="request_not_open")
    before = request.deadline
    request.deadline = add_workdays(request.deadline, working_days)
    request.save()
    _event(request, actor, RequestEvent.Kind.EXTENDED, before, request.deadline, reason)
    return request


@transaction.atomic
def request_rate(*, request, actor, satisfaction: int, expected_version=None) -> EnterpriseRequest:
    """The enterprise rates a resolved or closed request from 1 to 5."""
    request = lock_version(request, expected_version)
    if not request.is_rateable:
        raise Conflict(_("A request is rated once it is resolved."), code="request_not_resolved")
    before = request.satisfaction or ""
    request.satisfaction = satisfaction
    request.full_clean()
    request.save()
    _event(request, actor, RequestEvent.Kind.RATED, before, satisfaction)
    return request
