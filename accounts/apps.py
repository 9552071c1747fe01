from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import permissions  # noqa: F401 - registers the rules
        from accounts.services import sign_in_record

        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(sign_in_record, dispatch_uid="sign_in_record")
