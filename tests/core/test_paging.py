"""Keyset cursors: what one encodes decodes again; anything forged is BadCursor, never a database error."""

import base64
import json
from datetime import UTC, datetime

import pytest

from core.paging import BadCursor, decode_cursor, encode_cursor


def _forge(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def test_a_cursor_round_trips():
    at = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert decode_cursor(encode_cursor(at, 7), is_datetime=True) == (at, 7)
    assert decode_cursor(encode_cursor(41.5, 3), is_datetime=False) == (41.5, 3)


@pytest.mark.parametrize(
    "raw, is_datetime",
    [
        ('["0001-01-01T00:00:00+14:00", 1]', True),
        ('["9999-12-31T23:59:59-14:00", 1]', True),
        ('["2026-01-01T00:00:00", 1]', True),
        ("[1, 1]", True),
        ('["x", 1]', False),
        ("[NaN, 1]", False),
        ("[Infinity, 1]", False),
        ("[1e400, 1]", False),
        ("[100000000000000000000000, 1]", False),
        ("[true, 1]", False),
        ("[1, 99999999999999999999999]", False),
        ("[1, 0]", False),
        ("[1, -5]", False),
        ('[1, "2"]', False),
        ("[1]", False),
        ('{"a": 1}', False),
    ],
)
def test_forged_cursors_are_refused(raw, is_datetime):
    with pytest.raises(BadCursor):
        decode_cursor(_forge(raw), is_datetime=is_datetime)


@pytest.mark.parametrize("cursor", ["", "=", "!!!", "\u00e9\u00e9", "bm9wZQ"])
def test_garbage_is_refused(cursor):
    with pytest.raises(BadCursor):
        decode_cursor(cursor or "x", is_datetime=False)


def test_the_list_survives_an_edge_of_the_calendar_cursor(client, api, alices_idea):
    cursor = _forge(json.dumps(["0001-01-01T00:00:00+14:00", 1]))
    assert api.get("/api/v1/ideas/", {"sort": "new", "cursor": cursor}).status_code == 400
    assert client.get("/", {"sort": "new", "cursor": cursor}).status_code == 400
