"""JSON bodies the API refuses with 400 rather than failing on: deep nesting (RecursionError), numbers
beyond a float's range (1e400 is infinity, which no id or count can be), NaN and Infinity."""

import pytest

from core.parsers import API_MAX_DEPTH, too_deep

NESTED = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/v1/auth/token/"), ("post", "/api/v1/ideas/"), ("patch", "/api/v1/ideas/{pk}/")],
)
@pytest.mark.parametrize(
    "body",
    [
        NESTED,
        '{"title": "Deep", "body": "b", "category": 1, "x": ' + NESTED + "}",
        '{"title": "Overflow test", "body": "b", "category": 1e400}',
        '{"title": "Overflow test", "body": "b", "category": -1e400}',
        '{"title": "Not a number", "body": "b", "category": NaN}',
        '{"title": "Infinite", "body": "b", "category": Infinity}',
        '{"title": "Many digits", "body": "b", "category": ' + "1" * 5000 + "}",
    ],
)
def test_json_python_cannot_take_is_400_with_the_error_shape(api_as, alice, alices_idea, method, path, body):
    response = getattr(api_as(alice), method)(path.format(pk=alices_idea.pk), body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"
    alices_idea.refresh_from_db()
    assert alices_idea.title == "Oat milk at no extra charge"


@pytest.mark.parametrize("category", ["1.5", "true", '"1.5"'])
def test_a_category_is_a_whole_number(api_as, alice, drinks, category):
    value = category.replace("1", str(drinks.pk), 1)
    body = '{"title": "Category test", "body": "b", "category": ' + value + "}"
    response = api_as(alice).post("/api/v1/ideas/", body, content_type="application/json")
    assert response.status_code == 400 and "category" in response.json()["fields"]


def test_ordinary_json_with_floats_and_nesting_still_parses(api_as, alice, drinks):
    nested = "[" * (API_MAX_DEPTH - 1) + "1.5e3" + "]" * (API_MAX_DEPTH - 1)
    body = f'{{"title": "Shallow enough", "body": "b", "category": {drinks.pk}, "tags": ["a", "b"], "x": {nested}}}'
    response = api_as(alice).post("/api/v1/ideas/", body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_brackets_in_strings_nest_nothing():
    assert not too_deep('{"a": "' + "[{" * 500 + '"}', 2)
    assert not too_deep('{"a": "\\"[[[["}', 1)
    assert too_deep("[[[", 2)
