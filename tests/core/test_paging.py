"""Keyset cursors: what one encodes decodes again; anything forged is BadCursor, never a database error."""

import base64
from datetime import UTC, datetime

import pytest

from core.paging import BadCursor, decode_cursor, encode_cursor, key_type
from discussion.models import Comment
from ideas.models import Idea
from ideas.selectors import SORTS

HUGE = "9" * 400  # an integer beyond a float's range: OverflowError when compared as one


def _forge(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def test_a_text_cursor_round_trips():
    path = "00000000000000000017/00000000000000000023"
    assert decode_cursor(encode_cursor(path, 23), key=str) == (path, 23)


def test_a_thread_pages_on_text_keys():
    assert key_type(Comment, "path") is str
    assert key_type(Comment, "path_newest") is str


@pytest.mark.parametrize("raw", ["[1, 1]", "[null, 1]", '[["a"], 1]', '["a\\u0000b", 1]', '["a", -1]', '["a", "1"]'])
def test_forged_text_cursors_are_refused(raw):
    with pytest.raises(BadCursor):
        decode_cursor(_forge(raw), key=str)


def test_a_cursor_round_trips():
    at = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert decode_cursor(encode_cursor(at, 7), key=datetime) == (at, 7)
    assert decode_cursor(encode_cursor(41.5, 3), key=float) == (41.5, 3)
    assert decode_cursor(encode_cursor(12, 3), key=float) == (12, 3)
    assert decode_cursor(encode_cursor(12, 3), key=int) == (12, 3)


def test_each_sort_pages_on_a_key_type_a_cursor_can_hold():
    assert {name: key_type(Idea, sort.field) for name, sort in SORTS.items()} == {
        "hot": float,
        "top": float,
        "new": datetime,
        "trending": float,
        "discussed": int,
    }


@pytest.mark.parametrize(
    "raw, key",
    [
        ('["0001-01-01T00:00:00+14:00", 1]', datetime),
        ('["9999-12-31T23:59:59-14:00", 1]', datetime),
        ('["2026-01-01T00:00:00", 1]', datetime),
        ('["not a time", 1]', datetime),
        ("[1, 1]", datetime),
        ("[null, 1]", datetime),
        ('["x", 1]', float),
        ("[NaN, 1]", float),
        ("[Infinity, 1]", float),
        ("[-Infinity, 1]", float),
        ("[1e400, 1]", float),
        ("[1e300, 1]", float),
        (f"[{HUGE}, 1]", float),
        (f"[-{HUGE}, 1]", float),
        (f"[{HUGE}, 1]", int),
        ("[100000000000000000000000, 1]", float),
        ("[true, 1]", float),
        ("[null, 1]", float),
        ("[[1], 1]", float),
        ('[{"a": 1}, 1]', float),
        ("[1.5, 1]", int),
        ("[NaN, 1]", int),
        ("[1, 99999999999999999999999]", float),
        (f"[1, {HUGE}]", float),
        ("[1, 1.0]", float),
        ("[1, -1]", float),
        ("[1, -5]", float),
        ('[1, "2"]', float),
        ("[1, true]", float),
        ("[1, NaN]", float),
        ("[1]", float),
        ("[1, 2, 3]", float),
        ('{"a": 1}', float),
        ('"ab"', float),
        ("12", float),
        ("null", float),
    ],
)
def test_forged_cursors_are_refused(raw, key):
    with pytest.raises(BadCursor):
        decode_cursor(_forge(raw), key=key)


@pytest.mark.parametrize(
    "cursor",
    [
        "x",
        "=",
        "!!!",
        "\u00e9\u00e9",
        "bm9wZQ",  # "nope"
        _forge("[1, 2"),  # cut short
        base64.urlsafe_b64encode(b"\xff\xfe[1, 2]").decode(),  # not UTF-8
        _forge("[" * 100_000 + "]" * 100_000),  # deep enough to exhaust the JSON parser's recursion
        _forge("[" * 60 + "]" * 60),  # deep, but short enough to parse
        "A" * 5000,
    ],
)
def test_garbage_is_refused(cursor):
    with pytest.raises(BadCursor):
        decode_cursor(cursor, key=float)


def test_a_key_type_that_cannot_be_paged_on_is_a_programming_error():
    with pytest.raises(ValueError, match="TextField"):
        key_type(Idea, "body")


FORGED = {
    "beyond a float": _forge(f"[{HUGE}, 1]"),
    "1e400": _forge("[1e400, 1]"),
    "NaN": _forge("[NaN, 1]"),
    "Infinity": _forge("[Infinity, 1]"),
    "text": _forge('["x", 1]'),
    "a list": _forge("[[1], 1]"),
    "an id beyond 64 bits": _forge("[1, 99999999999999999999999]"),
    "deep nesting": _forge("[" * 100_000 + "]" * 100_000),
    "not base64": "%%%not base64%%%",
    "edge of the calendar": _forge('["0001-01-01T00:00:00+14:00", 1]'),
}


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("cursor", list(FORGED.values()), ids=list(FORGED))
def test_the_api_answers_a_forged_cursor_with_400_naming_it(api, alices_idea, sort, cursor):
    response = api.get("/api/v1/ideas/", {"sort": sort, "cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["fields"]) == ["cursor"]


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("cursor", list(FORGED.values()), ids=list(FORGED))
def test_the_list_page_explains_a_forged_cursor_and_shows_the_first_page(client, alices_idea, sort, cursor):
    response = client.get("/", {"sort": sort, "cursor": cursor})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This link to a later page is not valid; start again from the first page." in page
    assert alices_idea.title in page


def test_the_list_page_with_a_good_cursor_is_the_next_page(client, alice, drinks):
    from tests.factories import IdeaFactory

    ideas = [IdeaFactory(author=alice, category=drinks, title=f"Idea number {n}") for n in range(3)]
    first = client.get("/", {"sort": "new", "page_size": 2})
    following = first.context["next_query"]
    second = client.get(f"/?{following}")
    assert second.status_code == 200
    assert [idea.pk for idea in second.context["ideas"]] == [ideas[0].pk]
