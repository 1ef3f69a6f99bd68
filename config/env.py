"""The one place settings read the environment; a bad value stops start-up with a clear message."""

import json
import math
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """A string; without a default the variable is required."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number, within [minimum, maximum] where given."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name} must be from {minimum} to {maximum}, not {number}.")
    return number


def env_float(name: str, default: float, *, above: float, at_most: float | None = None) -> float:
    """A finite number greater than `above` and, where given, at most `at_most`."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None
    if not math.isfinite(number) or number <= above or (at_most is not None and number > at_most):
        bound = f" and at most {at_most}" if at_most is not None else ""
        raise ImproperlyConfigured(f"{name} must be more than {above}{bound}, not {value!r}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_json(name: str, default: Any, *, valid: Callable[[Any], bool] | None = None, shape: str = "") -> Any:
    """A JSON value; unset or blank gives the default. With `valid`, a value it refuses stops start-up, saying
    the `shape` expected."""
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from None
    if valid is not None and not valid(parsed):
        raise ImproperlyConfigured(f"{name} must be {shape}, not {value!r}.")
    return parsed


def counts(value: Any, keys: Iterable[str], *, minimum: int = 0) -> bool:
    """Whether `value` is a JSON object of exactly these keys, each a whole number of at least `minimum`."""
    return (
        isinstance(value, dict)
        and set(value) == set(keys)
        and all(type(number) is int and number >= minimum for number in value.values())
    )


def env_database(name: str, default: str) -> dict:
    """A database from a URL: sqlite:///path or postgres://user:pass@host:port/name."""
    url = os.environ.get(name) or default
    scheme = url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "postgresql"}:
        raise ImproperlyConfigured(f"{name} must start with sqlite:// or postgres://, not {scheme!r}.")
    # No persistent connections: under ASGI each request may run on a thread of its own, and a
    # connection kept per thread would pile up until PostgreSQL refuses more clients.
    config = dj_database_url.parse(url, conn_max_age=0)
    if scheme == "sqlite":
        if config["NAME"] and config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {
            # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
            # two writers queue on the busy timeout instead of failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config
