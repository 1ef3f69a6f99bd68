"""The cache through a Redis outage, with a real redis-server that the test stops and starts: sign-in,
sign-up, password reset and the token endpoint keep working on this process's memory, their limits still
hold, the outage is logged once, and Redis is used again once it is back. Clearing it leaves the other keys
of its Redis database (the channel layer's) alone."""

import logging
import socket

import pytest
import redis
from django.core.cache import cache

from tests.accounts.test_tokens import ask_token
from tests.conftest import PASSWORD


def stored_keys(url: str) -> list[bytes]:
    return redis.Redis.from_url(url).keys("*")


def fallback_cache(url: str, retry_seconds: float = 0) -> dict:
    """RETRY_SECONDS 0: every call tries Redis again, so a test sees the recovery at once."""
    options = {"socket_connect_timeout": 1, "socket_timeout": 1, "RETRY_SECONDS": retry_seconds}
    return {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": url, "OPTIONS": options}}


@pytest.fixture
def redis_cache(own_redis, settings):
    """The fallback cache on a Redis of the test's own; `own_redis.stop()` and `own_redis()` stop and start it."""
    url = own_redis()
    settings.CACHES = fallback_cache(url)
    return url


def sign_in(client, email: str, password: str = PASSWORD) -> int:
    return client.post("/accounts/login/", {"login": email, "password": password}).status_code


def outage_logs(caplog) -> tuple[int, int]:
    messages = [r.getMessage() for r in caplog.records if r.name == "core.cache" and r.levelno == logging.WARNING]
    return sum("unreachable" in m for m in messages), sum("answers again after" in m for m in messages)


def test_signing_in_keeps_its_limits_in_redis_while_it_runs(client, alice, redis_cache):
    assert sign_in(client, alice.email, "wrong") == 200
    assert any(key.startswith(b":1:allauth:rl:allauth.account:login_failed") for key in stored_keys(redis_cache))


def test_sign_in_sign_up_reset_and_tokens_work_while_redis_is_down(
    client, alice, redis_cache, own_redis, caplog, mailoutbox
):
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert sign_in(client, alice.email) == 302
        assert client.get("/api/v1/me/").json()["email"] == alice.email
        signup = {"email": "new@example.com", "password1": "a-long-passphrase", "password2": "a-long-passphrase"}
        assert type(client)().post("/accounts/signup/", signup).status_code == 302
        assert type(client)().post("/accounts/password/reset/", {"email": alice.email}).status_code == 302
        assert ask_token(alice.email, PASSWORD).status_code == 200
    assert {m.to[0] for m in mailoutbox} == {"new@example.com", alice.email}
    assert outage_logs(caplog) == (1, 0)  # logged once, shown to nobody


def test_the_limits_still_hold_while_redis_is_down(alice, redis_cache, own_redis):
    own_redis.stop()
    answers = [ask_token(alice.email, "guess").status_code for _ in range(6)]
    assert answers == [400] * 5 + [429]
    refused = ask_token(alice.email, PASSWORD)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1


def test_everything_works_again_once_redis_is_back(client, alice, bob, redis_cache, own_redis, caplog):
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert ask_token(alice.email, PASSWORD).status_code == 200
        own_redis()
        assert sign_in(client, bob.email, "wrong") == 200
        assert sign_in(client, bob.email) == 302
        assert ask_token(alice.email, PASSWORD).status_code == 200
    assert outage_logs(caplog) == (1, 1)
    assert any(b"login_failed" in key for key in stored_keys(redis_cache))  # counted in Redis again


def test_a_redis_that_accepts_but_never_answers_does_not_hang_sign_in(client, alice, settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # connections complete in the kernel's backlog; nothing ever replies
        # As configured: one call waits out the 1 s socket timeout, the next ones go to memory at once.
        settings.CACHES = fallback_cache(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", retry_seconds=60)
        assert sign_in(client, alice.email) == 302
        assert ask_token(alice.email, PASSWORD).status_code == 200


def test_clearing_the_cache_deletes_its_own_keys_and_leaves_the_channel_layers(own_redis, settings):
    url = own_redis()
    # A prefix with glob characters: unescaped, "forum[1]:*" would match "forum1:..." too.
    settings.CACHES = {"default": {**fallback_cache(url)["default"], "KEY_PREFIX": "forum[1]"}}
    others = redis.Redis.from_url(url)
    others.zadd("asgi:group:live.ideas", {"live-hub.a1b2!c3d4": 1})  # a process's live membership
    others.set("forum1:1:lookalike", "not the cache's")
    cache.set_many({f"rate-{n}": n for n in range(2500)})  # more keys than one SCAN batch
    assert len(stored_keys(url)) == 2502
    cache.clear()
    assert cache.get("rate-7") is None
    assert sorted(stored_keys(url)) == [b"asgi:group:live.ideas", b"forum1:1:lookalike"]
