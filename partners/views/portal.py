"""The chain-leader portal: what a chain-leader account sees of its own partner (its profile
with the self-service edit, its contact persons, its requests, its chains) and nothing of any
other partner's private data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import is_chain_leader
from chains.selectors import chain_list
from core.errors import ApplicationError, PreconditionFailed
from core.web.forms import add_service_errors
from partners import selectors
from partners.forms import RequestRaiseForm, RequestRateForm, SelfServiceForm
from partners.services import partner_self_service_update, request_raise, request_rate


def _own_partner(request):
    """The chain-leader account's own partner (with the detail page's relations), or 403."""
    if not is_chain_leader(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.partner_detail(request.user), pk=request.user.partner_id)


def _render(request, partner, *, profile_form=None, raise_form=None, stale=False, status=200):
    requests = list(
        selectors.request_list(request.user).filter(partner=partner).order_by("-received_on", "-pk")
    )
    context = {
        "partner": partner,
        "profile_form": profile_form
        or SelfServiceForm(instance=partner, initial={"version": partner.version}),
        "raise_form": raise_form or RequestRaiseForm(),
        "rate_form": RequestRateForm(),
        "requests": requests,
        "chains": list(chain_list(request.user).select_related("industry")),
        "stale": stale,
    }
    return render(request, "partners/portal.html", context, status=status)


@login_required
def portal(request):
    return _render(request, _own_partner(request))


@require_POST
@login_required
def portal_profile(request):
    """Self-service fields change at once; a new name becomes a change request."""
    partner = _own_partner(request)
    form = SelfServiceForm(
        request.POST, instance=selectors.partner_detail(request.user).get(pk=partner.pk)
    )
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SelfServiceForm.Meta.fields}
        try:
            change_request = partner_self_service_update(
                partner=partner,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except PreconditionFailed:
            current = _own_partner(request)
            kept = SelfServiceForm(
                instance=current, initial={**form.cleaned_data, "version": current.version}
            )
            return _render(request, current, profile_form=kept, stale=True, status=409)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            if change_request is not None:
                messages.info(request, _("The new name waits for your steward's approval."))
            return redirect("portal")
    return _render(request, partner, profile_form=form, status=400)


@require_POST
@login_required
def portal_request_raise(request):
    partner = _own_partner(request)
    form = RequestRaiseForm(request.POST)
    if form.is_valid():
        try:
            request_raise(partner=partner, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request is received."))
            return redirect("portal")
    return _render(request, partner, raise_form=form, status=400)


@require_POST
@login_required
def portal_request_rate(request, pk: int):
    partner = _own_partner(request)
    enterprise_request = get_object_or_404(
        selectors.request_list(request.user).filter(partner=partner), pk=pk
    )
    form = RequestRateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect("portal")
    try:
        request_rate(
            request=enterprise_request,
            actor=request.user,
            satisfaction=form.cleaned_data["satisfaction"],
        )
    except (ValidationError, ApplicationError) as error:
        messages.error(request, getattr(error, "message", None) or "; ".join(error.messages))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("portal")
