"""The @mention autocomplete: signed-in members only, active members by name, never an e-mail address."""

from tests.factories import UserFactory

SUGGEST = "/api/v1/members/suggest/"


def test_members_are_suggested_by_the_words_of_their_name(api_as, alice, bob):
    UserFactory(display_name="Bobby Tables")
    UserFactory(display_name="Roberta Bobson", is_active=False)
    response = api_as(alice).get(SUGGEST, {"q": "BOB"})
    assert [m["name"] for m in response.json()] == ["Bob", "Bobby Tables"]
    assert response.json()[0] == {"id": bob.pk, "name": "Bob", "url": f"/members/{bob.pk}/"}


def test_every_word_typed_must_match(api_as, alice):
    UserFactory(display_name="Bobby Tables")
    UserFactory(display_name="Bobby Brown")
    assert [m["name"] for m in api_as(alice).get(SUGGEST, {"q": "bob tab"}).json()] == ["Bobby Tables"]


def test_fewer_than_two_characters_suggest_nobody(api_as, alice, bob):
    assert api_as(alice).get(SUGGEST, {"q": "b"}).json() == []
    assert api_as(alice).get(SUGGEST).json() == []


def test_at_most_eight_are_suggested(api_as, alice):
    UserFactory.create_batch(10, display_name="Sam Sample")
    assert len(api_as(alice).get(SUGGEST, {"q": "sam"}).json()) == 8


def test_an_email_address_is_never_searched_nor_shown(api_as, alice, bob):
    response = api_as(alice).get(SUGGEST, {"q": "bob@example"})
    assert response.json() == []
    assert "example.com" not in api_as(alice).get(SUGGEST, {"q": "bob"}).content.decode()


def test_visitors_cannot_list_members(api, bob):
    assert api.get(SUGGEST, {"q": "bob"}).status_code == 401


def test_suggestions_run_one_query_whatever_the_number(api_as, alice, django_assert_num_queries):
    UserFactory.create_batch(10, display_name="Sam Sample")
    client = api_as(alice)
    with django_assert_num_queries(1):
        client.get(SUGGEST, {"q": "sam"})
