"""knox token authentication in one query: the token, its user and the user's role.

knox.auth.TokenAuthentication (5.1.0) reads every token of the user on each request to delete the expired ones:
one query more per request, growing with the number of tokens the user holds. Here the token in hand is still
checked (an expired one is deleted and refused, as in knox), and the user's other expired tokens are deleted
when the user logs in (sitesel.api.auth.views.LoginApi). The token query also carries what the user's role is made
of (config.api.roles), so the permission check needs no query of its own. Measured in docs/reliability.md (Load).
"""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from config.api.roles import access_from, remember_access, role_annotations


class TokenAuthentication(KnoxTokenAuthentication):
    """knox tokens (hashed at rest, expiring); one query per request, role included."""

    def authenticate_credentials(self, token: bytes):
        # knox's own loop (5.1.0, pinned), over a query that also brings the user's role.
        text = token.decode("utf-8")
        candidates = (
            get_token_model()
            .objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .annotate(**role_annotations("user__"))
        )
        for auth_token in candidates:
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error) as exc:
                raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                remember_access(
                    auth_token.user,
                    access_from(auth_token.user, acts_for=auth_token.acts_for, group_names=auth_token.group_names),
                )
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def _cleanup_token(self, auth_token) -> bool:
        # Overrides knox's hook (pinned in requirements.txt): only the presented token, not all of the user's.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The same OpenAPI security scheme as knox's own class gets from drf-spectacular."""

    target_class = TokenAuthentication


def expired_tokens_delete(*, user) -> int:
    """Delete the user's expired tokens (knox would have done it on each request); returns how many."""
    deleted, _ = get_token_model().objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return deleted
