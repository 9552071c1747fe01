"""The staff workbench (工作台): what is due, and the quick “log a contact” form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import can_read_all, is_chain_leader
from core.search_text import normalise
from core.web.forms import add_service_errors
from partners import selectors
from partners.forms import QuickContactForm
from partners.search import search_partners
from partners.services import interaction_record

PICKER_LIMIT = 8


@login_required
def home(request):
    """Staff, managers and auditors get the workbench; a chain-leader unit its portal."""
    user = request.user
    if not can_read_all(user):
        if is_chain_leader(user):
            return redirect("portal")
        raise PermissionDenied
    return _workbench(request, QuickContactForm(), query=request.GET.get("q", ""))


def _workbench(request, form, *, query: str = "", picked=None, status: int = 200):
    """The page; ``query`` lists matching partners without JavaScript (the form's search
    button), ``picked`` keeps the chosen partner when the form comes back with errors."""
    today = timezone.localdate()
    context = selectors.workbench(request.user, today)
    context.update(
        today=today,
        form=form,
        may_log=request.user.has_perm("partners.add_interaction"),
        query=query,
        group=_choices(request.user, query),
        picked=picked,
    )
    return render(request, "partners/workbench.html", context, status=status)


def _choices(user, query: str):
    normalised = normalise(query)
    return search_partners(user, normalised, PICKER_LIMIT) if normalised else None


@require_POST
@login_required
def log_contact(request):
    """Record the contact (and its follow-up) and go back to the workbench."""
    if not request.user.has_perm("partners.add_interaction"):
        raise PermissionDenied
    form = QuickContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            interaction_record(
                partner=data["partner"],
                actor=request.user,
                kind=data["kind"],
                occurred_at=timezone.now(),
                summary=data["summary"],
                next_follow_up_on=data["next_follow_up_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Contact with %(partner)s logged.") % {"partner": data["partner"].name}
            )
            return redirect("home")
    return _workbench(request, form, picked=form.cleaned_data.get("partner"), status=400)


@require_GET
@login_required
def pick_partner(request):
    """The partners matching a few characters, pinyin or initials, as choices for the quick
    form (an htmx fragment)."""
    if not can_read_all(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "")
    return render(
        request,
        "partners/_partner_choices.html",
        {"group": _choices(request.user, query), "query": query},
    )
