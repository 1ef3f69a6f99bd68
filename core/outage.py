"""A service this process found unreachable (the Redis cache, the channel layer): the outage is logged
once when it starts and once when it ends, never once per request, and callers try the service again
only once every `retry_seconds` meanwhile, so that a dead or hung service costs requests nothing."""

import logging
import threading
import time


class Outage:
    """`down` is logged with `%(error)s` when the service first fails, at `down_level`; `back` with
    `%(seconds).0f` (how long it was down) when it answers again, as a warning."""

    def __init__(
        self, logger: logging.Logger, *, down: str, back: str, retry_seconds: float, down_level=logging.WARNING
    ):
        self.logger, self.down, self.back, self.down_level = logger, down, back, down_level
        self.retry_seconds = retry_seconds
        self.lock = threading.Lock()
        self.since: float | None = None
        self.last_try = 0.0

    def try_now(self) -> bool:
        """Up, or down and due for another try? Only one caller per `retry_seconds` gets the try."""
        with self.lock:
            if self.since is None:
                return True
            now = time.monotonic()
            if now - self.last_try < self.retry_seconds:
                return False
            self.last_try = now
            return True

    def failed(self, error: BaseException) -> None:
        with self.lock:
            self.last_try = time.monotonic()
            if self.since is not None:
                return
            self.since = self.last_try
        self.logger.log(self.down_level, self.down, {"error": f"{type(error).__name__}: {error}"})

    def recovered(self) -> bool:
        """The service answered: True once, for the call that ends an outage (which it logs)."""
        with self.lock:
            if self.since is None:
                return False
            seconds, self.since = time.monotonic() - self.since, None
        self.logger.warning(self.back, {"seconds": seconds})
        return True
