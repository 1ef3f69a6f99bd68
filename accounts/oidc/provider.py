"""allauth's OpenID Connect provider, registered in its place (SOCIALACCOUNT_PROVIDERS "provider_class"):
a nonce on every sign-in, a fresh sign-in at the provider when a signed-in member signs in again,
the verifying views, and the provider's picture."""

import secrets
import time

from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)

from accounts.oidc.views import VerifyingOAuth2Adapter


class PictureAccount(OpenIDConnectProviderAccount):
    def get_avatar_url(self) -> str | None:
        picture = (self.get_user_data() or {}).get("picture")
        return picture if isinstance(picture, str) else None


class VerifiedOpenIDConnectProvider(OpenIDConnectProvider):
    package = "accounts.oidc"  # allauth builds the provider's URLs from <package>.urls
    account_class = PictureAccount
    oauth2_adapter_class = VerifyingOAuth2Adapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        auth_params = self.get_auth_params() if auth_params is None else auth_params
        nonce = secrets.token_urlsafe(32)
        auth_params["nonce"] = nonce
        # A signed-in member signing in again (to delete the account, set a first password):
        # the provider must ask, not wave them through on its own open session.
        fresh_since = None
        if process == AuthProcess.LOGIN and request.user.is_authenticated:
            auth_params.update({"prompt": "login", "max_age": "0"})
            fresh_since = int(time.time())
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, fresh_since=fresh_since, **kwargs
        )
