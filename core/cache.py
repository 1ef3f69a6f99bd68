"""The cache: Redis while it answers, else a memory of this process, so sign-in, sign-up, password reset and
their rate limits keep working through a Redis outage (the limits then count per process)."""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """Whether one Redis is down, for every thread of the process: logged once when it goes, once
    when it is back, and tried again only every `retry_seconds` meanwhile, so that a dead Redis
    costs a request nothing."""

    def __init__(self, location: str, retry_seconds: float):
        self.location, self.retry_seconds = location, retry_seconds
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0

    def retry_due(self) -> bool:
        return time.monotonic() >= self.retry_at

    def went_down(self, error: Exception) -> None:
        with self.lock:
            if self.down_since is None:
                self.down_since = time.monotonic()
                logger.warning(
                    "Redis cache at %s unreachable (%s): using this process's memory until it answers again",
                    self.location,
                    error,
                )
            self.retry_at = time.monotonic() + self.retry_seconds

    def came_back(self) -> bool:
        """True once, for the call that finds Redis answering again after an outage."""
        if self.down_since is None:
            return False
        with self.lock:
            if self.down_since is None:
                return False
            logger.warning(
                "Redis cache at %s answers again after %.0f s", self.location, time.monotonic() - self.down_since
            )
            self.down_since = None
            return True


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str, retry_seconds: float) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage(location, retry_seconds))


class FallbackRedisCache(RedisCache):
    """Django's RedisCache; when Redis does not answer, each call goes to a LocMemCache shared by the
    threads of this process. OPTIONS takes RETRY_SECONDS (default 5) beside redis-py's own options
    (socket_timeout, socket_connect_timeout)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_of(location, retry_seconds)
        local = {key: value for key, value in params.items() if key != "OPTIONS"}
        self._local = LocMemCache(f"redis-fallback:{location}", {**local, "OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _redis_usable(self) -> bool:
        """During an outage, a PING every RETRY_SECONDS says whether Redis is back; a call that touches
        no key (an empty get_many, say) never does, so it cannot end an outage by mistake."""
        outage = self._outage
        if outage.down_since is None:
            return True
        if not outage.retry_due():
            return False
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as error:
            outage.went_down(error)
            return False
        if outage.came_back():
            # What this process kept meanwhile may be stale by the next outage: start that one empty.
            self._local.clear()
        return True

    def _call(self, name: str, *args, **kwargs):
        if self._redis_usable():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                self._outage.went_down(error)
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self._local.clear()
        return self._call("clear")
