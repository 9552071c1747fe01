"""The partner list and the partner page (企业360), with the edit that catches a stale
version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.roles import can_read_all
from core.errors import ApplicationError, PreconditionFailed
from core.history import changes_between, history_rows, with_previous
from core.web.forms import add_service_errors
from core.web.views import paginate
from partners import selectors
from partners.filters import PartnerFilter
from partners.forms import PartnerEditForm
from partners.models import Partner
from partners.services import partner_update

AUDIT_LIMIT = 20


def _require_full_reader(user) -> None:
    """The list and the 360° page are for those who read full records: a chain-leader unit
    has its portal and never another partner's private page."""
    if not can_read_all(user):
        raise PermissionDenied


@login_required
def partner_list(request):
    _require_full_reader(request.user)
    filterset = PartnerFilter(
        request.GET,
        queryset=selectors.partner_rows(request.user),
        request=request,
    )
    page = paginate(request, filterset.qs if filterset.is_valid() else Partner.objects.none())
    return render(
        request,
        "partners/list.html",
        {
            "page": page,
            "filterset": filterset,
            "choices": selectors.partner_filter_choices(request.user),
            "statuses": Partner.Status.choices,
            "query": request.GET.urlencode(),
        },
    )


def _partner_or_404(user, pk: int) -> Partner:
    return get_object_or_404(selectors.partner_detail(user), pk=pk)


@login_required
def partner_detail(request, pk: int):
    _require_full_reader(request.user)
    partner = _partner_or_404(request.user, pk)
    return render(request, "partners/detail.html", _detail_context(request, partner))


def _detail_context(request, partner: Partner, form=None, conflict=None) -> dict:
    user = request.user
    may_edit = user.has_perm("partners.change_partner", partner)
    if form is None and may_edit:
        form = PartnerEditForm(instance=partner, initial={"version": partner.version})
    return {
        "partner": partner,
        **selectors.partner_360(user, partner),
        "may_edit": may_edit,
        "form": form,
        "conflict": conflict,
        "show_phones": user.has_perm("partners.view_contact_phone", partner),
        "audit": _audit(partner) if user.has_perm("partners.view_historicalpartner") else None,
    }


def _audit(partner: Partner) -> list[dict]:
    """The latest changes to the partner's record: who, when, which fields."""
    records = list(history_rows(Partner, object_id=partner.pk)[:AUDIT_LIMIT])
    pairs, m2m_values = with_previous(Partner, records)
    return [
        {
            "record": record,
            "changes": changes_between(Partner, record, previous, m2m_values),
        }
        for record, previous in pairs
    ]


@login_required
def partner_edit(request, pk: int):
    """Save the edit with the version the user saw; if someone saved in between, show what
    they changed next to the user's own values, which are kept in the form."""
    _require_full_reader(request.user)
    partner = _partner_or_404(request.user, pk)
    if not request.user.has_perm("partners.change_partner", partner):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("partners:detail", pk=pk)
    form = PartnerEditForm(request.POST, instance=Partner.objects.get(pk=pk))
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in PartnerEditForm.Meta.fields}
        try:
            partner_update(
                partner=partner,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **data,
            )
        except PreconditionFailed:
            return _stale_edit(request, pk, form)
        except (ValidationError, ApplicationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("partners:detail", pk=pk)
    return render(
        request, "partners/detail.html", _detail_context(request, partner, form=form), status=400
    )


def _shown(name: str, value):
    """A field's value as people read it (a choice by its label)."""
    choices = dict(Partner._meta.get_field(name).flatchoices)
    return choices.get(value, value) if choices else value


def _stale_edit(request, pk: int, form):
    current = _partner_or_404(request.user, pk)
    seen = selectors.partner_seen_version(current, form.cleaned_data["version"])
    conflict = [
        {
            "label": PartnerEditForm.base_fields[name].label,
            "seen": _shown(name, getattr(seen, name, "")) if seen else "",
            "current": _shown(name, getattr(current, name)),
            "yours": _shown(name, form.cleaned_data[name]),
        }
        for name in PartnerEditForm.Meta.fields
        if seen is None or getattr(seen, name) != getattr(current, name)
    ]
    kept = PartnerEditForm(
        initial={**form.cleaned_data, "version": current.version}, instance=current
    )
    return render(
        request,
        "partners/detail.html",
        _detail_context(request, current, form=kept, conflict=conflict),
        status=409,
    )
