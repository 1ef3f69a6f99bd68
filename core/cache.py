"""The cache: Redis while it answers, else a memory of this process, so sign-in, sign-up, password reset and
their rate limits keep working through a Redis outage (the limits then count per process)."""

import logging
import re
import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.outage import Outage

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str, retry_seconds: float) -> Outage:
    """One outage record per Redis, shared by every thread and cache instance of the process."""
    with _outages_lock:
        if location not in _outages:
            shown = location.replace("%", "%%")  # the messages are %-format strings
            _outages[location] = Outage(
                logger,
                down=f"Redis cache at {shown} unreachable (%(error)s): using this process's memory until it "
                "answers again",
                back=f"Redis cache at {shown} answers again after %(seconds).0f s",
                retry_seconds=retry_seconds,
            )
        return _outages[location]


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
        if outage.since is None:
            return True
        if not outage.try_now():
            return False
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as error:
            outage.failed(error)
            return False
        if outage.recovered():
            # What this process kept meanwhile may be stale by the next outage: start that one empty.
            self._local.clear()
        return True

    def _call(self, name: str, *args, **kwargs):
        if self._redis_usable():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                self._outage.failed(error)
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
        """Delete this cache's keys only. Django's clear() empties the whole Redis database (FLUSHDB),
        which the channel layer shares: it would wipe every process's live memberships too."""
        self._local.clear()
        if not self._redis_usable():
            return True
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"  # the prefix, glob characters escaped
        try:
            client = self._cache.get_client(write=True)
            keys = list(client.scan_iter(match=pattern, count=1000))
            for start in range(0, len(keys), 1000):
                client.unlink(*keys[start : start + 1000])
        except UNREACHABLE as error:
            self._outage.failed(error)
        return True
