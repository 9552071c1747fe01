"""Forms of the pipeline pages: the board's filters (the API's project filter, fewer fields)
and the move of a project to another stage."""

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from chains.models import Industry
from core.api.fields import ModelIdFilter
from projects.filters import ProjectFilter
from projects.models import Project, Stage
from projects.selectors import BOARD_STAGES, project_owner_choices


class PipelineFilter(ProjectFilter):
    """The board's and the list's filters: the API's search (name or code) and industry tree,
    with single choices that fit a select; the other filters of the API are left out."""

    event = None
    investment = None
    is_new_quality = None
    stage_changed_since = None
    stage = filters.ChoiceFilter(
        choices=Stage.choices, label=_("stage"), empty_label=_("All stages")
    )
    kind = filters.ChoiceFilter(
        choices=Project.Kind.choices, label=_("kind"), empty_label=_("All kinds")
    )
    industry = ModelIdFilter(
        queryset=Industry.objects.all(),
        method="by_industry",
        label=_("industry (and below)"),
        empty_label=_("All industries"),
    )
    owner = ModelIdFilter(
        queryset=lambda request: project_owner_choices(),
        label=_("owner"),
        empty_label=_("All owners"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search = self.form.fields["q"]
        search.label = _("Name or code")
        search.widget.input_type = "search"
        for name in ("stage", "kind", "industry", "owner"):
            self.form.fields[name].widget.attrs["data-autosubmit"] = ""


class MoveForm(forms.Form):
    """Move one project to one of its allowed next stages. The field names are the service's
    error keys (``stage``, ``drop_reason``), so its errors land next to their field."""

    stage = forms.ChoiceField(label=_("Move to"))
    drop_reason = forms.CharField(
        label=_("Note or reason"),
        help_text=_("Required when dropping the project."),
        required=False,
        max_length=1000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project: Project, targets, **kwargs):
        kwargs.setdefault("auto_id", f"move-{project.pk}-%s")
        kwargs["initial"] = {"version": project.version, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.project = project
        choices = [stage for stage in BOARD_STAGES if stage in targets]
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in choices]
        # The next stage forward is preselected (negotiations may also fall back to lead).
        here = BOARD_STAGES.index(Stage(project.stage))
        ahead = [stage for stage in choices if BOARD_STAGES.index(stage) > here]
        if ahead:
            self.fields["stage"].initial = ahead[0].value
