"""Social sign-in providers from the environment: the five named ones and any OpenID Connect ones.

Each provider is an allauth app configured here (or in the admin), so adding one needs no
migration. A provider is trusted to prove an e-mail address only when configured so
(`<NAME>_TRUST_EMAIL=true`, or `"trust_email": true` in OIDC_PROVIDERS); only then can a social
sign-in whose verified e-mail matches an existing account sign into that account.
"""

from django.core.exceptions import ImproperlyConfigured

from accounts.oidc.server import server_url_refusal
from config.env import env_bool, env_json, env_str

# allauth provider -> (environment prefix, settings of the provider)
NAMED = {
    "google": ("GOOGLE", {"SCOPE": ["openid", "profile", "email"], "OAUTH_PKCE_ENABLED": True}),
    "facebook": ("FACEBOOK", {"METHOD": "oauth2", "SCOPE": ["email", "public_profile"]}),
    "github": ("GITHUB", {"SCOPE": ["read:user", "user:email"]}),
    "microsoft": ("MICROSOFT", {"TENANT": "common", "OAUTH_PKCE_ENABLED": True}),
}
LINKEDIN = {"provider_id": "linkedin", "name": "LinkedIn", "server_url": "https://www.linkedin.com/oauth"}
OIDC_KEYS = {"id", "name", "server_url", "client_id", "secret"}
# allauth's OpenID Connect provider, with the id_token verified on every sign-in (accounts/oidc).
OIDC_PROVIDER_CLASS = "accounts.oidc.provider.VerifiedOpenIDConnectProvider"


def _server_url(entry: dict) -> str:
    """The provider's address: https, or plain http on this machine only (tests, development)."""
    url = entry["server_url"].rstrip("/")
    if refusal := server_url_refusal(f"OIDC_PROVIDERS {entry['id']!r}", url):
        raise ImproperlyConfigured(refusal)
    return url


def _app(prefix: str) -> dict | None:
    client_id = env_str(f"{prefix}_CLIENT_ID", "").strip()
    if not client_id:
        return None
    secret = env_str(f"{prefix}_CLIENT_SECRET", "").strip()
    if not secret:
        raise ImproperlyConfigured(f"{prefix}_CLIENT_ID is set, so set {prefix}_CLIENT_SECRET too.")
    return {
        "client_id": client_id,
        "secret": secret,
        "settings": {"email_authentication": env_bool(f"{prefix}_TRUST_EMAIL", False)},
    }


def _oidc_apps(entries: object) -> list[dict]:
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC_PROVIDERS must be a JSON list of objects.")
    apps, seen = [], set()
    for entry in entries:
        if not isinstance(entry, dict) or not set(entry) >= OIDC_KEYS:
            raise ImproperlyConfigured(f"Each OIDC_PROVIDERS entry needs the keys {sorted(OIDC_KEYS)}.")
        if not all(isinstance(entry[key], str) and entry[key] for key in OIDC_KEYS):
            raise ImproperlyConfigured("OIDC_PROVIDERS values must be non-empty strings.")
        if entry["id"] in seen or not entry["id"].replace("-", "").replace("_", "").isalnum():
            raise ImproperlyConfigured(f"OIDC_PROVIDERS id {entry['id']!r} must be unique letters, digits, - or _.")
        seen.add(entry["id"])
        apps.append(
            {
                "provider_id": entry["id"],
                "name": entry["name"],
                "client_id": entry["client_id"],
                "secret": entry["secret"],
                "settings": {
                    "server_url": _server_url(entry),
                    "oauth_pkce_enabled": True,
                    "email_authentication": bool(entry.get("trust_email", False)),
                },
            }
        )
    return apps


def social_providers() -> dict:
    """SOCIALACCOUNT_PROVIDERS for allauth, from the environment."""
    providers: dict = {}
    for provider, (prefix, provider_settings) in NAMED.items():
        app = _app(prefix)
        providers[provider] = {**provider_settings, "APPS": [app] if app else []}
    oidc_apps = []
    linkedin = _app("LINKEDIN")
    if linkedin:
        oidc_apps.append(
            {
                **linkedin,
                "provider_id": LINKEDIN["provider_id"],
                "name": LINKEDIN["name"],
                "settings": {**linkedin["settings"], "server_url": LINKEDIN["server_url"], "oauth_pkce_enabled": True},
            }
        )
    oidc_apps += _oidc_apps(env_json("OIDC_PROVIDERS", []))
    providers["openid_connect"] = {"OAUTH_PKCE_ENABLED": True, "provider_class": OIDC_PROVIDER_CLASS, "APPS": oidc_apps}
    return providers
