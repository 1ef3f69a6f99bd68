"""Keyset (cursor) paging: a page after a cursor costs what the first page does, on any stored key."""

import base64
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class BadCursor(DomainError):
    code = "invalid_cursor"
    default_message = _("This link to a later page is not valid; start again from the first page.")


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def encode_cursor(value, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# A cursor this code makes is under 100 characters; a longer one is forged (and JSON nested deep
# enough to exhaust the parser's recursion needs far more than this).
CURSOR_MAX = 200
_BIGINT = 2**63
_INTEGER_FIELDS = frozenset(
    {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveBigIntegerField"}
)


def key_type(model, field: str) -> type:
    """What the keys of a cursor on this stored field are: datetime, int, float or str."""
    kind = model._meta.get_field(field).get_internal_type()
    if kind == "DateTimeField":
        return datetime
    if kind == "FloatField":
        return float
    if kind in _INTEGER_FIELDS:
        return int
    if kind == "CharField":
        return str
    raise ValueError(f"no keyset paging on a {kind}")


def decode_cursor(cursor: str, *, key: type) -> tuple:
    """The (key, id) a cursor stands for, the key of type `key` (datetime, int, float or str); BadCursor
    for anything forged or mangled, so no value reaches the database that it cannot compare."""
    try:
        if len(cursor) > CURSOR_MAX:
            raise ValueError
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if key is datetime:
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise TypeError
            value = value.astimezone(UTC)  # a far offset at the edge of the calendar overflows here, not in SQL
        elif key is str:
            if not isinstance(value, str) or "\x00" in value:  # PostgreSQL cannot compare a NUL in text
                raise TypeError
        elif not _storable_number(value, integer=key is int):
            raise TypeError
        # 0 is the id just before the first row: a page that starts at the first conversation begins after it.
        if not _storable_number(pk, integer=True) or pk < 0:
            raise TypeError
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError, RecursionError):
        raise BadCursor() from None
    return value, pk


def _storable_number(value, *, integer: bool) -> bool:
    """A number both databases can compare with: finite, within a 64-bit integer's range, and a
    whole number where the key is one."""
    if isinstance(value, bool) or not isinstance(value, int if integer else int | float):
        return False
    return math.isfinite(value) and abs(value) < _BIGINT


def keyset_page(
    rows: QuerySet,
    *,
    field: str,
    cursor: str | None,
    size: int,
    ascending: bool = False,
    ids_ascending: bool | None = None,
) -> Page:
    """One page of `rows` ordered by `field` descending, then id descending (an index on both serves
    it); or both ascending (a thread, read top-down); or, with `ids_ascending`, ties oldest first (the
    moderation queue: heaviest first, then oldest)."""
    sign, after = ("", "gt") if ascending else ("-", "lt")
    ids_ascending = ascending if ids_ascending is None else ids_ascending
    id_sign, id_after = ("", "gt") if ids_ascending else ("-", "lt")
    rows = rows.order_by(f"{sign}{field}", f"{id_sign}id")
    if cursor:
        value, pk = decode_cursor(cursor, key=key_type(rows.model, field))
        # Two seeks on the (key, id) index instead of one OR, which SQLite cannot seek: first the
        # rest of the rows that share the cursor's key, then those past it. Either way a page
        # reads one page of rows, however many share a key (ties are common: 0 comments).
        found = list(rows.filter(**{field: value, f"pk__{id_after}": pk})[: size + 1])
        if len(found) <= size:
            found += list(rows.filter(**{f"{field}__{after}": value})[: size + 1 - len(found)])
    else:
        found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    return Page(found, encode_cursor(getattr(found[-1], field), found[-1].pk) if more else None)
