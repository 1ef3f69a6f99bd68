"""Checking an OpenID Connect id_token: signature against the provider's published keys, issuer,
audience (and azp, the party it was issued to, when there are several audiences or it is given),
expiry, nonce and, after a fresh sign-in was asked for, the time the member signed in.

allauth skips the signature when it fetched the token itself (the specification allows it over
TLS), which also trusts a plain-http provider and an id_token signed with any key or none.
"""

import hashlib
import hmac

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.core.cache import cache

JWKS_TTL = 3600  # seconds the provider's keys are cached; an unknown key id refetches them once
LEEWAY = 60  # seconds of clock difference allowed on exp, iat and auth_time
# Asymmetric algorithms only: a shared-secret (HS*) id_token proves nothing a client could not forge.
ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})


class IdTokenRefused(OAuth2Error):
    """The id_token failed a check; the message is the reason, for the operator's log."""


def provider_keys(jwks_uri: str, *, refresh: bool = False) -> dict:
    """The provider's JWKS, from the cache unless `refresh`; fetched from the provider otherwise."""
    key = "oidc-jwks:" + hashlib.sha256(jwks_uri.encode()).hexdigest()
    if not refresh and (cached := cache.get(key)):
        return cached
    with get_adapter().get_requests_session() as session:
        response = session.get(jwks_uri)
        response.raise_for_status()
        keys = response.json()
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise IdTokenRefused(f"the provider's JWKS at {jwks_uri} is not a key set")
    cache.set(key, keys, JWKS_TTL)
    return keys


def _find_key(jwks: dict, kid: str | None, alg: str):
    candidates = [k for k in jwks["keys"] if isinstance(k, dict) and k.get("use", "sig") == "sig"]
    if kid is not None:
        candidates = [k for k in candidates if k.get("kid") == kid]
    elif len(candidates) != 1:
        return None
    for candidate in candidates:
        try:
            return jwt.PyJWK(candidate, algorithm=alg).key
        except jwt.PyJWTError:
            continue
    return None


def _signed_in_since(auth_time: object, since: int) -> bool:
    return isinstance(auth_time, int | float) and auth_time >= since - LEEWAY


def signing_algorithms(openid_config: dict) -> set[str]:
    """The algorithms the provider says it signs id_tokens with, without "none" and shared secrets."""
    offered = openid_config.get("id_token_signing_alg_values_supported") or ["RS256"]
    return set(offered) & ALGORITHMS


def verify_id_token(
    raw: str, *, openid_config: dict, client_id: str, nonce: str, fresh_since: int | None = None
) -> dict:
    """The id_token's claims once every check passed; IdTokenRefused with the reason otherwise."""
    try:
        header = jwt.get_unverified_header(raw)
    except jwt.PyJWTError as e:
        raise IdTokenRefused(f"malformed id_token: {e}") from e
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise IdTokenRefused("unsigned id_token (alg none)")
    if alg not in signing_algorithms(openid_config):
        raise IdTokenRefused(f"id_token signed with {alg}, which is not an allowed algorithm")
    kid = header.get("kid")
    jwks_uri = openid_config["jwks_uri"]
    key = _find_key(provider_keys(jwks_uri), kid, alg) or _find_key(provider_keys(jwks_uri, refresh=True), kid, alg)
    if key is None:
        raise IdTokenRefused(f"id_token signed with key {kid!r}, which the provider's JWKS does not hold")
    try:
        claims = jwt.decode(
            raw,
            key=key,
            algorithms=[alg],
            issuer=openid_config["issuer"],
            audience=client_id,
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.InvalidSignatureError as e:
        raise IdTokenRefused("bad id_token signature (not made with the provider's published key)") from e
    except jwt.PyJWTError as e:
        raise IdTokenRefused(f"id_token refused: {e}") from e
    azp, aud = claims.get("azp"), claims["aud"]
    if azp is not None and azp != client_id:
        raise IdTokenRefused(f"id_token issued to another party (azp {azp!r})")
    if isinstance(aud, list) and len(aud) > 1 and azp is None:
        raise IdTokenRefused("id_token for several audiences without azp naming this client")
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise IdTokenRefused("id_token nonce does not match the one this sign-in sent")
    auth_time = claims.get("auth_time")
    if fresh_since is not None and auth_time is not None and not _signed_in_since(auth_time, fresh_since):
        raise IdTokenRefused("a fresh sign-in was asked for, but the provider's auth_time is older")
    return claims
