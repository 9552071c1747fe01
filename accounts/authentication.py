"""API token authentication in one query, the user's roles included (on PostgreSQL).

knox's own ``TokenAuthentication`` lists all the user's tokens on every request to delete the
expired ones (a second query, sometimes writes). Here an expired token is simply not matched,
and the beat task ``accounts.tasks.delete_expired_api_tokens`` deletes them nightly."""

import binascii
from hmac import compare_digest

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from accounts import selectors
from accounts.roles import remember_group_names


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox tokens (hashed in the database): the live tokens with this key and their user."""

    def authenticate_credentials(self, token: bytes):
        invalid = _("Invalid token.")
        token = token.decode("utf-8")
        key = token[: CONSTANTS.TOKEN_KEY_LENGTH]
        for auth_token in selectors.api_token_holders(key):
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(invalid) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                role_names = getattr(auth_token, "role_names", None)
                if role_names is not None:
                    remember_group_names(auth_token.user, role_names)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(invalid)


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of these tokens: knox's, under the same name."""

    target_class = "accounts.authentication.TokenAuthentication"
