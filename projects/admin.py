from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import DomainAdmin
from projects import services
from projects.models import Event, PipelineTarget, Project, Stage, StageChange

# The stage service names model fields; the form shows its errors on the move fields.
FORM_FIELD_OF = {"stage": "move_to", "drop_reason": "move_note"}


class ProjectAdminForm(forms.ModelForm):
    """The stage is never edited directly: a move goes through the stage-change service."""

    move_to = forms.ChoiceField(
        label=_("Move to stage"), choices=[("", "—"), *Stage.choices], required=False
    )
    move_note = forms.CharField(
        label=_("Note or reason for the move"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the project is dropped."),
    )

    class Meta:
        model = Project
        fields = (
            "name",
            "code",
            "kind",
            "industries",
            "carrier",
            "location",
            "planned_investment",
            "investors",
            "owner",
            "is_new_quality",
            "promoted_at",
            "signed_at",
            "description",
            "move_to",
            "move_note",
        )

    def clean(self):
        cleaned = super().clean()
        move_to = cleaned.get("move_to")
        if move_to:
            if self.instance.pk is None:
                raise forms.ValidationError(
                    {"move_to": _("A new project starts as a lead; move it after saving.")}
                )
            try:
                services.stage_check_transition(
                    self.instance, move_to, cleaned.get("move_note", "")
                )
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    {FORM_FIELD_OF.get(field): errors for field, errors in error.error_dict.items()}
                ) from None
        return cleaned


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_stage", "to_stage", "changed_by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(DomainAdmin):
    form = ProjectAdminForm
    list_display = (
        "code",
        "name",
        "kind",
        "stage",
        "planned_investment",
        "owner",
        "is_new_quality",
        "promoted_at",
        "signed_at",
    )
    list_select_related = ("owner", "promoted_at", "signed_at")
    list_filter = ("stage", "kind", "is_new_quality", "industries", "promoted_at", "signed_at")
    search_fields = ("name", "code", "location", "investors__name")
    autocomplete_fields = (
        "industries",
        "carrier",
        "investors",
        "owner",
        "promoted_at",
        "signed_at",
    )
    readonly_fields = ("stage", "stage_changed_at", "drop_reason")
    inlines = (StageChangeInline,)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.project_record_creation(project=obj, actor=request.user)
        move_to = form.cleaned_data.get("move_to")
        if move_to:
            note = form.cleaned_data.get("move_note", "")
            services.project_change_stage(
                project=obj, to_stage=move_to, actor=request.user, note=note, reason=note
            )
            obj.refresh_from_db()


@admin.register(Event)
class EventAdmin(DomainAdmin):
    list_display = ("name", "date", "kind", "location")
    list_filter = ("kind",)
    search_fields = ("name", "location")
    date_hierarchy = "date"


@admin.register(StageChange)
class StageChangeAdmin(DomainAdmin):
    """Read-only: the history is written by the stage-change service alone."""

    list_display = ("project", "from_stage", "to_stage", "changed_at", "changed_by")
    list_select_related = ("project", "changed_by")
    list_filter = ("to_stage",)
    search_fields = ("project__name", "project__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PipelineTarget)
class PipelineTargetAdmin(DomainAdmin):
    list_display = ("year", "signed_projects", "landed_projects", "planned_investment")
