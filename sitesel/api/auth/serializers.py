"""Sign-in request and response shapes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer


class LoginSerializer(AuthTokenSerializer):
    """Username and password; a wrong pair is a 400 with code "invalid". Both are bounded before anything checks
    them: the sign-in lockout records the username it was given (in a 255-character column), and a password of
    megabytes would cost as much to hash."""

    token = None  # the response is LoginResponseSerializer
    username = serializers.CharField(
        label="Username", write_only=True, max_length=get_user_model()._meta.get_field("username").max_length
    )
    password = serializers.CharField(
        label="Password", style={"input_type": "password"}, trim_whitespace=False, write_only=True, max_length=4096
    )


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send as "Authorization: Token <token>".')
    expiry = serializers.DateTimeField(allow_null=True)
