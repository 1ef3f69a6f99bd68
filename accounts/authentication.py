"""API tokens that expire. DRF imports this module from its settings: nothing here imports DRF's views."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expires_at(token: Token) -> datetime:
    """A token works for API_TOKEN_LIFETIME_DAYS after it was made."""
    return token.created + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def token_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; an expired token is refused with 401 and the code token_expired."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("Your API token has expired. Make a new one on your account page or with your password."),
                code="token_expired",
            )
        return user, token
