"""id_token verification (accounts/oidc/tokens.py): signature against the provider's published keys,
algorithm, issuer, audience, expiry, nonce and auth_time; the keys served by a real HTTP server on loopback."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from accounts.oidc.tokens import IdTokenRefused, verify_id_token

CLIENT_ID, NONCE = "idea-forum", "n-0S6_WzA2Mj"


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(private_key, kid):
    return {**RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True), "kid": kid, "alg": "RS256", "use": "sig"}


class KeyServer:
    """Serves a JWKS on loopback and counts the fetches."""

    def __init__(self):
        self.keys, self.fetches = [], 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.fetches += 1
                body = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"


@pytest.fixture
def provider():
    server = KeyServer()
    server.key = rsa_key()
    server.keys = [jwk(server.key, "k1")]
    server.config = {
        "issuer": server.url,
        "jwks_uri": f"{server.url}/jwks",
        "id_token_signing_alg_values_supported": ["RS256", "none"],
    }
    yield server
    server.httpd.shutdown()


def claims(provider, **overrides):
    now = int(time.time())
    base = {"iss": provider.url, "aud": CLIENT_ID, "sub": "42", "iat": now, "exp": now + 300, "nonce": NONCE}
    return base | overrides


def sign(provider, key=None, kid="k1", **overrides):
    return jwt.encode(claims(provider, **overrides), key or provider.key, algorithm="RS256", headers={"kid": kid})


def verify(provider, token, **kwargs):
    return verify_id_token(token, openid_config=provider.config, client_id=CLIENT_ID, **({"nonce": NONCE} | kwargs))


def test_a_token_signed_with_the_published_key_verifies(provider):
    assert verify(provider, sign(provider))["sub"] == "42"


def test_a_token_signed_with_another_key_under_the_same_kid_is_refused(provider):
    with pytest.raises(IdTokenRefused, match="bad id_token signature"):
        verify(provider, sign(provider, key=rsa_key()))


def test_a_corrupted_signature_is_refused(provider):
    token = sign(provider)
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-6]}{'AAAAAA' if signature[-6:] != 'AAAAAA' else 'BBBBBB'}"
    with pytest.raises(IdTokenRefused, match="signature"):
        verify(provider, forged)


def test_an_unsigned_token_is_refused_even_when_the_provider_offers_none(provider):
    token = jwt.encode(claims(provider), None, algorithm="none")
    with pytest.raises(IdTokenRefused, match="alg none"):
        verify(provider, token)


def test_a_token_signed_with_a_shared_secret_is_refused(provider):
    provider.config["id_token_signing_alg_values_supported"] = ["RS256", "HS256"]
    secret = "the-client-secret-of-at-least-32-bytes"
    token = jwt.encode(claims(provider), secret, algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(IdTokenRefused, match="HS256"):
        verify(provider, token)


def test_an_unknown_kid_refetches_the_keys_once(provider):
    assert verify(provider, sign(provider))
    assert verify(provider, sign(provider))
    assert provider.fetches == 1  # cached
    rotated = rsa_key()
    provider.keys = [jwk(rotated, "k2")]
    assert verify(provider, sign(provider, key=rotated, kid="k2"))["sub"] == "42"
    assert provider.fetches == 2


def test_a_kid_the_provider_never_published_is_refused_after_one_refetch(provider):
    with pytest.raises(IdTokenRefused, match="does not hold"):
        verify(provider, sign(provider, key=rsa_key(), kid="stranger"))
    assert provider.fetches == 2


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "another-client"}, "(?i)audience"),
        ({"iss": "https://elsewhere.example"}, "(?i)issuer"),
        ({"exp": int(time.time()) - 3600}, "(?i)expired"),
        ({"nonce": "another-sign-in"}, "nonce"),
    ],
)
def test_claims_that_do_not_belong_to_this_sign_in_are_refused(provider, overrides, reason):
    with pytest.raises(IdTokenRefused, match=reason):
        verify(provider, sign(provider, **overrides))


def test_a_token_without_the_nonce_is_refused(provider):
    token = jwt.encode({**claims(provider), "nonce": None}, provider.key, "RS256", headers={"kid": "k1"})
    with pytest.raises(IdTokenRefused, match="nonce"):
        verify(provider, token)


def test_a_sign_in_without_a_nonce_of_ours_is_refused(provider):
    with pytest.raises(IdTokenRefused, match="nonce"):
        verify(provider, sign(provider), nonce="")


def test_a_fresh_sign_in_refuses_an_older_auth_time(provider):
    asked = int(time.time())
    with pytest.raises(IdTokenRefused, match="auth_time"):
        verify(provider, sign(provider, auth_time=asked - 3600), fresh_since=asked)


def test_a_fresh_sign_in_accepts_a_recent_or_missing_auth_time(provider):
    asked = int(time.time())
    assert verify(provider, sign(provider, auth_time=asked + 2), fresh_since=asked)["auth_time"] == asked + 2
    assert "auth_time" not in verify(provider, sign(provider), fresh_since=asked)


def test_an_old_auth_time_is_fine_when_no_fresh_sign_in_was_asked(provider):
    assert verify(provider, sign(provider, auth_time=int(time.time()) - 86400))


@pytest.mark.parametrize(
    ("overrides", "accepted"),
    [
        ({"aud": [CLIENT_ID, "another-client"]}, False),
        ({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, False),
        ({"aud": [CLIENT_ID, "another-client"], "azp": CLIENT_ID}, True),
        ({"aud": CLIENT_ID, "azp": "another-client"}, False),
        ({"aud": [CLIENT_ID], "azp": "another-client"}, False),
        ({"aud": [CLIENT_ID]}, True),
        ({"aud": CLIENT_ID, "azp": CLIENT_ID}, True),
    ],
)
def test_a_token_for_several_audiences_must_be_issued_to_this_client(provider, overrides, accepted):
    token = sign(provider, **overrides)
    if accepted:
        assert verify(provider, token)["sub"] == "42"
    else:
        with pytest.raises(IdTokenRefused, match="azp"):
            verify(provider, token)
