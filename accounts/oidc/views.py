"""allauth's OpenID Connect login and callback, with the id_token verified on every sign-in, and
no sign-in at all with a provider whose address is neither https nor on this machine."""

import logging

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.middleware import provider_failed_page
from accounts.oidc.server import server_url_refusal
from accounts.oidc.tokens import IdTokenRefused, verify_id_token

logger = logging.getLogger(__name__)


class InsecureServerURL(OAuth2Error):
    """The provider's server_url is plain http away from this machine (a SocialApp added in the admin
    skips the start-up check of config/social.py): its keys and tokens could be forged on the way."""


class VerifyingOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """Always verifies the id_token (allauth skips the signature when it fetched the token itself)."""

    state: dict | None = None  # this sign-in's stashed state, set by the callback view

    @property
    def openid_config(self):
        if not hasattr(self, "_openid_config"):
            app = self.get_provider().app
            url = app.settings.get("server_url", "")
            if refusal := server_url_refusal(f"provider {app.provider_id!r}", url):
                raise InsecureServerURL(refusal)
        return super().openid_config

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("the provider's token response has no id_token")
        login = super().complete_login(request, app, token, **kwargs)
        # allauth takes the member's id and e-mail from userinfo, which is not signed: it must be
        # about the member the verified id_token names (OpenID Connect Core 5.3.2).
        data = login.account.extra_data
        if "userinfo" in data and data["userinfo"].get("sub") != data["id_token"]["sub"]:
            raise IdTokenRefused("userinfo is about another subject than the id_token")
        if (self.state or {}).get("fresh_since"):
            self._report_fresh_sign_in(app, data["id_token"])
        return login

    def _decode_id_token(self, app, id_token):
        state = self.state or {}
        return verify_id_token(
            id_token,
            openid_config=self.openid_config,
            client_id=app.client_id,
            nonce=state.get("nonce", ""),
            fresh_since=state.get("fresh_since"),
        )

    def _report_fresh_sign_in(self, app, claims):
        """Say what the provider did when asked to check the member again: it may not say."""
        if "auth_time" in claims:
            message = _("%(provider)s confirmed that you signed in there again just now.")
            messages.info(self.request, message % {"provider": app.name})
        else:
            message = _(
                "%(provider)s did not tell us when you last signed in there, "
                "so we cannot tell whether it asked you again."
            )
            messages.warning(self.request, message % {"provider": app.name})


class VerifyingCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


def _insecure_provider_page(request, error: InsecureServerURL):
    logger.error("Social sign-in refused: %s", error)
    return provider_failed_page(request, "insecure")


def _view(view_class, request, provider_id: str):
    """allauth's view with the verifying adapter: an unknown provider is a 404, an insecure one the 502 page."""
    try:
        return view_class.adapter_view(VerifyingOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as e:
        raise Http404 from e
    except InsecureServerURL as e:
        return _insecure_provider_page(request, e)


@login_not_required
def login(request, provider_id):
    return _view(OAuth2LoginView, request, provider_id)


@login_not_required
def callback(request, provider_id):
    return _view(VerifyingCallbackView, request, provider_id)
