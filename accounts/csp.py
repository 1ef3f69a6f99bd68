"""Forms post only to this site (CSP form-action 'self'), and Chromium holds the redirect after a post to
that rule too: the page that sends a member on to a sign-in provider also allows that provider's origin."""

from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist

# allauth's provider views, and ours for OpenID Connect (accounts/oidc/: they verify every id_token).
PROVIDER_VIEWS = ("allauth.socialaccount.providers.", "accounts.oidc.")


def _provider_origin(request, provider_id: str) -> str | None:
    """Where the provider's sign-in starts: an OpenID Connect server_url, or the OAuth2 authorize URL
    (no request to the provider is made here)."""
    try:
        provider = get_adapter().get_provider(request, provider_id)
    except (ObjectDoesNotExist, ImproperlyConfigured):
        return None  # allauth's own view answers for an unknown provider
    server_url = provider.app.settings.get("server_url") if provider.app else None
    parts = urlsplit(server_url or provider.get_oauth2_adapter(request).authorize_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else None


class ProviderFormActionMiddleware:
    """Below csp.middleware.CSPMiddleware: adds the provider's origin to form-action on the page of a
    provider's "Continue" button."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or not (match.url_name or "").endswith("_login"):
            return response
        if not match.func.__module__.startswith(PROVIDER_VIEWS):
            return response
        provider_id = match.kwargs.get("provider_id") or match.url_name.removesuffix("_login")
        origin = _provider_origin(request, provider_id)
        if origin:
            response._csp_update = {"form-action": [origin]}
        return response
