"""Rate limits with allauth's limiter (the one the sign-in form uses, in the cache), for the token endpoint
and for members' writes; a refusal is a DomainError with status 429 that says when to try again. (The
API's own throttle on every write is core/throttling.py.)"""

import math
import time
from contextlib import contextmanager
from contextvars import ContextVar

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import status

from core.errors import DomainError

ACCOUNT_APP = "allauth.account"
WRITES_APP = "forum.writes"

_unlimited: ContextVar[bool] = ContextVar("writes_unlimited", default=False)


class RateLimited(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "rate_limited"
    default_message = _("Too many attempts. Wait a moment, then try again.")

    def __init__(self, message: str | None = None, *, retry_after: int = 1):
        super().__init__(message)
        self.retry_after = retry_after


def retry_after(request, *, app: str, action: str, config: dict | None = None, key=None, user=None) -> int:
    """Whole seconds until each of the action's full limits lets one more through (at least 1)."""
    now, wait = time.time(), 1.0
    for rate in allauth_ratelimit.get_rates(app=app, action=action, config=config):
        cache_key = allauth_ratelimit.get_cache_key(request, app=app, action=action, rate=rate, key=key, user=user)
        history = [at for at in cache.get(cache_key, []) if at > now - rate.duration]
        if len(history) >= rate.amount:
            wait = max(wait, min(history) + rate.duration - now)
    return math.ceil(wait)


def consume(request, *, action: str, key=None, user=None, message=None, app=ACCOUNT_APP, config=None) -> None:
    """Count one attempt at `action` against its limits (ACCOUNT_RATE_LIMITS for allauth's actions), or
    raise RateLimited with the seconds to wait."""
    usage = allauth_ratelimit.consume(
        request, app=app, action=action, config=config, key=key, user=user, limit_get=True
    )
    if not usage:
        seconds = retry_after(request, app=app, action=action, config=config, key=key, user=user)
        raise RateLimited(message, retry_after=seconds)


def check_write(*, actor, action: str) -> None:
    """A member's write counts against WRITE_RATE_LIMITS[action] ("10/m/user"), on pages and in the API
    alike; one account cannot flood the forum. Services call it first."""
    if _unlimited.get() or not actor.is_authenticated:
        return
    consume(
        None,
        action=action,
        user=actor,
        app=WRITES_APP,
        config=settings.WRITE_RATE_LIMITS,
        message=_("You are doing that too often. Wait a moment, then try again; nothing you typed is lost."),
    )


def unlimited() -> bool:
    """Whether this is bulk work inside writes_unlimited(): no member limit of any kind applies."""
    return _unlimited.get()


@contextmanager
def writes_unlimited():
    """For bulk work that is not a member at the keyboard (demo data, benchmarks)."""
    token = _unlimited.set(True)
    try:
        yield
    finally:
        _unlimited.reset(token)
