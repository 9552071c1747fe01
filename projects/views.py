"""Pages of the project pipeline: the board, the list behind a long column, the project page
and the move of a project to another stage."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import PreconditionFailed
from core.web.forms import add_service_errors
from core.web.views import paginate, permission_required
from projects import selectors, services
from projects.forms import MoveForm, PipelineFilter
from projects.models import Stage

# The filters the board shows (the list adds the stage).
BOARD_FILTERS = ("q", "owner", "industry", "kind")


def _filtered(request, params: QueryDict) -> PipelineFilter:
    projects = selectors.project_list(request.user)
    return PipelineFilter(params, queryset=projects, request=request)


def _move_form(request, project, *, next_url: str, data=None) -> MoveForm | None:
    """The move form of a project the user may change (None otherwise, or when it has nowhere
    to go)."""
    if not request.user.has_perm("projects.advance_project", project):
        return None
    targets = services.stage_allowed_targets(project)
    if not targets:
        return None
    return MoveForm(data, project=project, targets=targets, initial={"next": next_url})


def _board_context(request, params: QueryDict, *, board_url: str, bound=None) -> dict:
    """The columns for the filters in ``params``; each card of a live stage carries its move
    form (``bound``: the form that came back with errors). A dropped project is reopened from
    its page (its allowed stage needs its history)."""
    filterset = _filtered(request, params)
    columns = selectors.project_board(filterset.qs)
    for column in columns:
        query = params.copy()
        query.pop("page", None)
        query["stage"] = column.stage.value
        column.more_url = f"{reverse('projects:list')}?{query.urlencode()}"
        for card in column.cards:
            if bound is not None and bound.project.pk == card.pk:
                card.move_form = bound
            elif column.stage != Stage.DROPPED:
                card.move_form = _move_form(request, card, next_url=board_url)
    return {"filter": filterset, "columns": columns, "board_url": board_url}


@require_GET
@permission_required("projects.view_project")
def board(request):
    """Columns by stage in pipeline order, each with its count and planned investment."""
    context = _board_context(request, request.GET, board_url=request.get_full_path())
    context["board_filters"] = BOARD_FILTERS
    return render(request, "projects/board.html", context)


@require_GET
@permission_required("projects.view_project")
def project_list(request):
    """Every project the filters find (a board column shows only its first cards)."""
    filterset = _filtered(request, request.GET)
    projects = filterset.qs.prefetch_related(None)
    page = paginate(request, selectors.projects_by_time_in_stage(projects))
    return render(request, "projects/list.html", {"filter": filterset, "page": page})


@require_GET
@permission_required("projects.view_project")
def detail(request, pk: int):
    project = get_object_or_404(selectors.project_detail(request.user), pk=pk)
    return _detail_page(request, project)


def _detail_page(request, project, *, form=None, status: int = 200):
    here = reverse("projects:detail", args=[project.pk])
    if form is None:
        form = _move_form(request, project, next_url=here)
    context = {"project": project, "form": form, "history": project.stage_changes.all()}
    return render(request, "projects/detail.html", context, status=status)


@require_POST
@permission_required("projects.view_project")
def move(request, pk: int):
    """Move the project to the stage chosen; back to the board (or the project page) it came
    from. With htmx the board's columns are sent back in place."""
    project = get_object_or_404(selectors.project_list(request.user, archived=None), pk=pk)
    if not request.user.has_perm("projects.advance_project", project):
        raise PermissionDenied
    next_url = _safe_next(request)
    form = MoveForm(request.POST, project=project, targets=services.stage_allowed_targets(project))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.project_change_stage(
                project=project,
                actor=request.user,
                to_stage=data["stage"],
                note=data["drop_reason"],
                reason=data["drop_reason"],
                expected_version=data["version"],
            )
        except PreconditionFailed:
            project.refresh_from_db()
            messages.warning(
                request,
                _(
                    "Someone else moved %(project)s meanwhile: it is now at “%(stage)s”. "
                    "Nothing was changed; choose again."
                )
                % {"project": project.name, "stage": project.get_stage_display()},
            )
            return _back(request, next_url)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(project)s moved to “%(stage)s”.")
                % {"project": project.name, "stage": Stage(data["stage"]).label},
            )
            return _back(request, next_url)
    return _invalid(request, project, form, next_url)


def _safe_next(request) -> str:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("projects:board")


def _is_detail(project, next_url: str) -> bool:
    return urlsplit(next_url).path == reverse("projects:detail", args=[project.pk])


def _back(request, next_url: str):
    """After a move (or a refused stale one): the board's columns in place for htmx, else a
    redirect to the page the form was on."""
    if request.htmx and urlsplit(next_url).path == reverse("projects:board"):
        params = QueryDict(urlsplit(next_url).query)
        context = _board_context(request, params, board_url=next_url)
        return render(request, "projects/_board.html", context)
    return redirect(next_url)


def _invalid(request, project, form, next_url: str):
    """The form again with the reason next to its field, on the page it was sent from."""
    if _is_detail(project, next_url):
        project = get_object_or_404(selectors.project_detail(request.user), pk=project.pk)
        return _detail_page(request, project, form=form, status=400)
    params = QueryDict(urlsplit(next_url).query)
    context = _board_context(request, params, board_url=next_url, bound=form)
    if request.htmx:
        # htmx swaps only successful responses: the errors come back as a 200 fragment.
        return render(request, "projects/_board.html", context)
    context["board_filters"] = BOARD_FILTERS
    return render(request, "projects/board.html", context, status=400)
