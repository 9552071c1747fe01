from django import forms
from django.contrib import admin

from chains import services
from chains.models import (
    ChainLeaderAppointment,
    ChainSegment,
    Industry,
    IndustryChain,
    SegmentStrengthRule,
    TargetCompany,
    WorkCamp,
    WorkCampMembership,
)
from core.admin import DomainAdmin


class AppointmentForm(forms.ModelForm):
    class Meta:
        model = ChainLeaderAppointment
        fields = ("partner", "chain", "year", "note")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partner") is not None:
            services.appointment_check_partner(cleaned["partner"])
        return cleaned


class IndustryForm(forms.ModelForm):
    class Meta:
        model = Industry
        fields = ("name", "kind", "parent", "position", "description")

    def clean(self):
        cleaned = super().clean()
        services.industry_check_parent(self.instance, cleaned.get("parent"))
        return cleaned


class TargetCompanyForm(forms.ModelForm):
    class Meta:
        model = TargetCompany
        fields = ("name", "uscc", "segment", "status", "owner", "note")

    def clean_uscc(self):
        return services.target_check_uscc(self.cleaned_data.get("uscc", ""))


@admin.register(Industry)
class IndustryAdmin(DomainAdmin):
    form = IndustryForm
    list_display = ("name", "kind", "parent", "position")
    list_select_related = ("parent",)
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("parent",)


class ChainSegmentInline(admin.TabularInline):
    model = ChainSegment
    extra = 0
    fields = ("position", "name")


class AppointmentInline(admin.TabularInline):
    model = ChainLeaderAppointment
    form = AppointmentForm
    extra = 0
    autocomplete_fields = ("partner",)


@admin.register(IndustryChain)
class IndustryChainAdmin(DomainAdmin):
    list_display = ("name", "industry", "position")
    list_select_related = ("industry",)
    list_filter = ("industry",)
    search_fields = ("name", "industry__name")
    autocomplete_fields = ("industry",)
    inlines = (ChainSegmentInline, AppointmentInline)


@admin.register(ChainSegment)
class ChainSegmentAdmin(DomainAdmin):
    list_display = ("name", "chain", "position")
    list_select_related = ("chain",)
    list_filter = ("chain",)
    search_fields = ("name", "chain__name")
    autocomplete_fields = ("chain",)


@admin.register(ChainLeaderAppointment)
class ChainLeaderAppointmentAdmin(DomainAdmin):
    form = AppointmentForm
    list_display = ("year", "chain", "partner")
    list_select_related = ("chain", "partner")
    list_filter = ("year", "chain")
    search_fields = ("partner__name", "partner__short_name", "partner__uscc", "chain__name")
    autocomplete_fields = ("partner", "chain")


class MembershipInline(admin.TabularInline):
    model = WorkCampMembership
    extra = 0
    autocomplete_fields = ("partner",)


@admin.register(WorkCamp)
class WorkCampAdmin(DomainAdmin):
    list_display = ("name", "industry", "lead_department")
    list_select_related = ("industry",)
    list_filter = ("industry",)
    search_fields = ("name", "lead_department")
    autocomplete_fields = ("industry",)
    inlines = (MembershipInline,)


@admin.register(TargetCompany)
class TargetCompanyAdmin(DomainAdmin):
    form = TargetCompanyForm
    list_display = ("name", "segment", "status", "owner", "updated_at")
    list_select_related = ("segment__chain", "owner")
    list_filter = ("status", "segment__chain")
    search_fields = ("name", "uscc", "segment__name", "segment__chain__name")
    autocomplete_fields = ("segment", "owner")


@admin.register(SegmentStrengthRule)
class SegmentStrengthRuleAdmin(DomainAdmin):
    list_display = (
        "name",
        "is_active",
        "min_partners",
        "requires_chain_leader",
        "min_qualified_partners",
    )
    list_filter = ("is_active",)
    search_fields = ("name",)
    filter_horizontal = ("qualifying_tags",)
