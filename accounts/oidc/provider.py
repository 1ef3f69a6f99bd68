"""allauth's OpenID Connect provider, registered in its place (SOCIALACCOUNT_PROVIDERS "provider_class"):
a nonce on every sign-in, a fresh sign-in at the provider when a signed-in member signs in again,
the verifying views, the provider's picture, and an e-mail address counted as verified only when
the provider says so with a true boolean (allauth takes the string "false" for verified)."""

import secrets
import time

from allauth.account.models import EmailAddress
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


def claims_verified(value: object) -> bool:
    """An `email_verified` claim that says yes: the boolean true, or the string "true" some providers
    send; "false", "0", "False" and anything else do not."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


class VerifiedOpenIDConnectProvider(OpenIDConnectProvider):
    package = "accounts.oidc"  # allauth builds the provider's URLs from <package>.urls
    account_class = PictureAccount
    oauth2_adapter_class = VerifyingOAuth2Adapter

    def extract_email_addresses(self, data):
        """The member's address; whether it is verified comes from the signed id_token when that
        names the same address, else from userinfo (fetched over TLS, about the id_token's subject)."""
        if "id_token" not in data and "userinfo" not in data:  # verified claims alone (allauth's verify_token)
            data = {"id_token": data}
        id_token = data.get("id_token") or {}
        userinfo = data.get("userinfo") or {}
        email = userinfo.get("email") or id_token.get("email")
        if not email or not isinstance(email, str):
            return []
        same = isinstance(id_token.get("email"), str) and id_token["email"].lower() == email.lower()
        source = id_token if same else userinfo
        return [EmailAddress(email=email, verified=claims_verified(source.get("email_verified")), primary=True)]

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
