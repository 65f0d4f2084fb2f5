"""Sign-in, sign-out and token revocation (knox tokens)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from knox.models import get_token_model
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.authentication import TokenAuthentication, expired_tokens_delete
from config.api.roles import Role, user_access
from config.security.lockout import lockout_response
from config.security.tokens import tokens_revoke
from core.api import (
    ERROR_400,
    ERROR_401,
    ERROR_403,
    ERROR_404,
)
from sitesel.api.auth.serializers import LoginResponseSerializer, LoginSerializer
from sitesel.api.sites.views import ERROR_429_LOCKED


class LoginApi(APIView):
    """Exchange a username and password for a knox token (hashed at rest, expires).

    Failed attempts are counted per username and per client address by django-axes, like the web and admin
    sign-ins (config/security/lockout.py): past the limit the answer is a 429 with Retry-After.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        request=LoginSerializer,
        responses={200: LoginResponseSerializer, 400: ERROR_400, 429: ERROR_429_LOCKED},
        auth=[],
        tags=["auth"],
        summary="Log in and get an API token",
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        # axes flags the request it was handed (DRF's, not Django's), so its middleware cannot see the lockout.
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request._request)
        if not valid:
            raise serializers.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        instance, token = get_token_model().objects.create(user)
        expired_tokens_delete(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response(LoginResponseSerializer({"token": token, "expiry": instance.expiry}).data)


@extend_schema(
    request=None, responses={204: None, 401: ERROR_401}, tags=["auth"], summary="Revoke the token used for this request"
)
class LogoutApi(KnoxLogoutView):
    authentication_classes = (TokenAuthentication,)


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="How many API tokens were deleted.")


@extend_schema(
    request=None,
    responses={200: RevokedSerializer, 401: ERROR_401},
    tags=["auth"],
    summary="Sign out everywhere: revoke every API token of the signed-in user",
    description="Any signed-in user, for their own tokens (the token of this request included). Tokens are also "
    "revoked when the password changes or the account is deactivated.",
)
class LogoutAllApi(APIView):
    permission_classes = (IsAuthenticated,)

    def post(self, request):
        return Response(RevokedSerializer({"revoked": tokens_revoke(user=request.user)}).data)


class AdminOnly(IsAuthenticated):
    message = "Revoking another user's tokens needs the admin role."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and user_access(request.user).role is Role.ADMIN


@extend_schema(
    request=None,
    responses={200: RevokedSerializer, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
    tags=["auth"],
    summary="Revoke every API token of a user (admin)",
    description="For a lost device or a departing user; the user can sign in again to get a new token.",
)
class UserTokensRevokeApi(APIView):
    permission_classes = (AdminOnly,)

    def post(self, request, user_id: int):
        user = get_object_or_404(get_user_model().objects.only("pk"), pk=user_id)
        return Response(RevokedSerializer({"revoked": tokens_revoke(user=user)}).data)
