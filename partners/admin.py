from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import DomainAdmin
from partners import selectors, services
from partners.models import (
    Carrier,
    ContactPerson,
    DoublingIndicator,
    EnterpriseRequest,
    FollowUp,
    Interaction,
    Partner,
    PartnerChangeRequest,
    QualificationTag,
    Recognition,
    RequestDeadlineRule,
    RequestEvent,
    VisitCadenceRule,
)


class PartnerAdminForm(forms.ModelForm):
    """Validates the code through the partner service, which also decides the override."""

    override_check_digit = forms.BooleanField(
        label=_("Accept a wrong check character"),
        required=False,
        help_text=_(
            "Only for real pilot-era codes whose check character does not compute. "
            "Administrators and managers only; the override is recorded."
        ),
    )
    actor = None  # set per request by PartnerAdmin.get_form

    class Meta:
        model = Partner
        fields = (
            "uscc",
            "override_check_digit",
            "name",
            "short_name",
            "organisation_type",
            "status",
            "industries",
            "segments",
            "tags",
            "carrier",
            "address",
            "registered_capital",
            "established_on",
            "joined_on",
            "joined_at_event",
            "steward",
            "in_doubling_catalogue",
            "notes",
        )

    def clean(self):
        cleaned = super().clean()
        if "uscc" in cleaned:
            self.uscc_check = services.partner_check_uscc(
                uscc=cleaned["uscc"],
                actor=self.actor,
                override_check_digit=cleaned.get("override_check_digit", False),
                exclude_pk=self.instance.pk,
            )
            cleaned["uscc"] = self.uscc_check.code
        return cleaned


class ContactPersonInline(admin.TabularInline):
    """Editable by whoever may manage this partner's contacts (its steward, a manager)."""

    model = ContactPerson
    extra = 0
    fields = ("name", "title", "phone", "email", "is_primary")

    def _may_manage(self, request, partner) -> bool:
        return request.user.has_perm("partners.manage_contacts", partner) or (
            partner is None and request.user.has_perm("partners.add_partner")
        )

    def has_add_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_manage(request, obj)


@admin.register(Partner)
class PartnerAdmin(DomainAdmin):
    form = PartnerAdminForm
    list_display = (
        "name",
        "short_name",
        "uscc",
        "organisation_type",
        "industry_names",
        "carrier",
        "steward",
        "primary_contact",
        "status",
        "in_doubling_catalogue",
        "joined_on",
    )
    list_filter = (
        "status",
        "organisation_type",
        "in_doubling_catalogue",
        "industries",
        "tags",
        "carrier__kind",
        "joined_on",
    )
    search_fields = ("name", "short_name", "uscc", "contacts__name")
    autocomplete_fields = (
        "industries",
        "segments",
        "carrier",
        "steward",
        "tags",
        "joined_at_event",
    )
    readonly_fields = ("uscc_check_overridden_by", "uscc_check_overridden_at")
    date_hierarchy = "joined_on"
    list_per_page = 50
    inlines = (ContactPersonInline,)

    def get_queryset(self, request):
        return selectors.partner_list_with_relations()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        services.partner_apply_uscc_check(obj, form.uscc_check, actor=request.user)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("industries"))
    def industry_names(self, obj: Partner) -> str:
        return "、".join(industry.name for industry in obj.industries.all())

    @admin.display(description=_("primary contact"))
    def primary_contact(self, obj: Partner) -> str:
        contacts = getattr(obj, "primary_contacts", None)
        return contacts[0].name if contacts else "—"


@admin.register(ContactPerson)
class ContactPersonAdmin(DomainAdmin):
    list_display = ("name", "partner", "title", "phone", "email", "is_primary")
    list_select_related = ("partner",)
    list_filter = ("is_primary",)
    search_fields = ("name", "phone", "email", "partner__name")
    autocomplete_fields = ("partner",)


@admin.register(Carrier)
class CarrierAdmin(DomainAdmin):
    list_display = ("name", "kind", "zone", "is_featured")
    list_select_related = ("zone",)
    list_filter = ("kind", "is_featured", "zone")
    search_fields = ("name", "address")
    autocomplete_fields = ("zone",)


@admin.register(QualificationTag)
class QualificationTagAdmin(DomainAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


@admin.register(Recognition)
class RecognitionAdmin(DomainAdmin):
    list_display = ("year", "title", "category", "partner")
    list_select_related = ("partner",)
    list_filter = ("year", "title", "category")
    search_fields = ("partner__name", "title")
    autocomplete_fields = ("partner",)


@admin.register(PartnerChangeRequest)
class PartnerChangeRequestAdmin(DomainAdmin):
    """Read here; decided through the API or the pages, where the checks of an edit apply."""

    list_display = ("partner", "status", "requested_by", "created_at", "decided_by", "decided_at")
    list_select_related = ("partner", "requested_by", "decided_by")
    list_filter = ("status",)
    search_fields = ("partner__name",)
    readonly_fields = (
        "partner",
        "requested_by",
        "changes",
        "previous",
        "status",
        "decided_by",
        "decided_at",
        "decision_reason",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "from_value", "to_value", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Interaction)
class InteractionAdmin(DomainAdmin):
    list_display = ("occurred_at", "partner", "kind", "recorded_by", "next_follow_up_on")
    list_select_related = ("partner", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("partner__name", "summary")
    autocomplete_fields = ("partner", "recorded_by", "staff_present", "contacts_met")
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request, obj=None):
        """As in the API, a logged interaction stays with its partner."""
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "partner") if obj is not None else fields


@admin.register(FollowUp)
class FollowUpAdmin(DomainAdmin):
    list_display = ("due_on", "partner", "owner", "status", "action")
    list_select_related = ("partner", "owner")
    list_filter = ("status",)
    search_fields = ("partner__name", "action")
    autocomplete_fields = ("partner", "owner", "created_by_interaction", "closed_by_interaction")


@admin.register(EnterpriseRequest)
class EnterpriseRequestAdmin(DomainAdmin):
    list_display = ("received_on", "partner", "category", "status", "owner", "deadline")
    list_select_related = ("partner", "owner")
    list_filter = ("status", "category")
    search_fields = ("partner__name", "description", "owner_department")
    autocomplete_fields = ("partner", "raised_by", "owner", "raised_in")
    inlines = (RequestEventInline,)


@admin.register(RequestDeadlineRule)
class RequestDeadlineRuleAdmin(DomainAdmin):
    list_display = ("category", "working_days")


@admin.register(VisitCadenceRule)
class VisitCadenceRuleAdmin(DomainAdmin):
    list_display = ("group", "days")


class DoublingIndicatorAdminForm(forms.ModelForm):
    """The catalogue check of the service: indicators only for catalogue enterprises."""

    class Meta:
        model = DoublingIndicator
        fields = ("partner", "year", "revenue", "tax", "rd_spending", "employees")

    def clean(self):
        cleaned = super().clean()
        partner = cleaned.get("partner")
        if partner is not None and (self.instance.pk is None or "partner" in self.changed_data):
            services.doubling_check_partner(partner)
        return cleaned


@admin.register(DoublingIndicator)
class DoublingIndicatorAdmin(DomainAdmin):
    form = DoublingIndicatorAdminForm
    list_display = ("partner", "year", "revenue", "tax", "rd_spending", "employees")
    list_select_related = ("partner",)
    list_filter = ("year",)
    search_fields = ("partner__name",)
    autocomplete_fields = ("partner",)
