from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from accounts import services
from accounts.models import User


class UserChangeForm(DjangoUserChangeForm):
    def clean(self):
        cleaned = super().clean()
        if "groups" in cleaned:
            services.user_check_roles(groups=cleaned["groups"], partner=cleaned.get("partner"))
        return cleaned


@admin.register(User)
class UserAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    form = UserChangeForm
    list_display = ("username", "full_name", "department", "partner", "is_active", "is_staff")
    list_select_related = ("partner",)
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "full_name", "email", "partner__name")
    autocomplete_fields = ("partner",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("full_name", "department", "partner")}),
    )
