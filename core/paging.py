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


def decode_cursor(cursor: str, *, is_datetime: bool) -> tuple:
    """The (key, id) a cursor stands for; BadCursor for anything forged or mangled."""
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if is_datetime:
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise TypeError
            value = value.astimezone(UTC)  # a far offset at the edge of the calendar overflows here, not in SQL
        elif not _storable_number(value):
            raise TypeError
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < _BIGINT:
            raise TypeError
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError):
        raise BadCursor() from None
    return value, pk


_BIGINT = 2**63


def _storable_number(value) -> bool:
    """A number both databases can compare with: finite, within a 64-bit integer's range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and abs(value) < _BIGINT


def keyset_page(rows: QuerySet, *, field: str, cursor: str | None, size: int) -> Page:
    """One page of `rows` ordered by `field` descending, then id descending (an index on both serves it)."""
    rows = rows.order_by(f"-{field}", "-id")
    if cursor:
        is_datetime = rows.model._meta.get_field(field).get_internal_type() == "DateTimeField"
        value, pk = decode_cursor(cursor, is_datetime=is_datetime)
        # Two seeks on the (key, id) index instead of one OR, which SQLite cannot seek: first the
        # rest of the rows that share the cursor's key, then those below it. Either way a page
        # reads one page of rows, however many share a key (ties are common: 0 comments).
        found = list(rows.filter(**{field: value, "pk__lt": pk})[: size + 1])
        if len(found) <= size:
            found += list(rows.filter(**{f"{field}__lt": value})[: size + 1 - len(found)])
    else:
        found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    return Page(found, encode_cursor(getattr(found[-1], field), found[-1].pk) if more else None)
