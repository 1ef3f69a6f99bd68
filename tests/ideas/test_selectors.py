"""Reads: the list, its filters, one idea, similar titles, categories in order."""

import pytest
from django.utils import timezone

from ideas.filters import IdeaFilter
from ideas.models import Idea
from ideas.selectors import categories_in_order, idea_get, idea_list, idea_similar
from tests.factories import CategoryFactory, IdeaFactory


def filtered(**params):
    return list(IdeaFilter(params, queryset=idea_list()).qs)


def test_list_is_newest_first_and_leaves_out_deleted(alice, drinks):
    old = IdeaFactory(author=alice, category=drinks)
    new = IdeaFactory(author=alice, category=drinks)
    IdeaFactory(author=alice, category=drinks, deleted_at=timezone.now())
    assert list(idea_list()) == [new, old]


def test_category_filter_includes_subcategories(alice, product, drinks, experience):
    in_parent = IdeaFactory(author=alice, category=product)
    in_child = IdeaFactory(author=alice, category=drinks)
    IdeaFactory(author=alice, category=experience)
    assert set(filtered(category="product")) == {in_parent, in_child}
    assert filtered(category="drinks") == [in_child]


def test_search_needs_every_word_in_title_or_body(alice, drinks):
    oat = IdeaFactory(author=alice, category=drinks, title="Oat milk for free", body="Climate matters")
    IdeaFactory(author=alice, category=drinks, title="Oat cookies", body="Crunchy")
    assert filtered(q="oat climate") == [oat]
    assert filtered(q="OAT") != []


def test_unknown_filter_values_are_reported_not_crashing(alice, drinks):
    filters = IdeaFilter({"category": "nope", "status": "sideways"}, queryset=idea_list())
    assert not filters.is_valid()
    assert set(filters.errors) == {"category", "status"}


def test_idea_get_hides_deleted_ideas(alice, drinks):
    idea = IdeaFactory(author=alice, category=drinks, deleted_at=timezone.now())
    with pytest.raises(Idea.DoesNotExist):
        idea_get(pk=idea.pk)


def test_similar_ideas_share_meaningful_title_words(alice, drinks):
    oat = IdeaFactory(author=alice, category=drinks, title="Oat milk at no extra charge")
    IdeaFactory(author=alice, category=drinks, title="Longer opening hours")
    IdeaFactory(author=alice, category=drinks, title="Soy milk too")
    IdeaFactory(author=alice, category=drinks, title="Sugar-free syrups")
    assert idea_similar(title="Free oat milk please") == [oat]
    assert len(idea_similar(title="milk")) == 2


def test_similar_needs_whole_words(alice, drinks):
    IdeaFactory(author=alice, category=drinks, title="Oatmeal in the morning")
    assert idea_similar(title="oat") == []


def test_similar_ignores_common_words_and_can_exclude_one(alice, drinks):
    oat = IdeaFactory(author=alice, category=drinks, title="Oat milk at no extra charge")
    assert idea_similar(title="the and for") == []
    assert idea_similar(title="oat milk", exclude_pk=oat.pk) == []


def test_categories_come_parent_then_children(db):
    product = CategoryFactory(name="Product", slug="product", position=0)
    experience = CategoryFactory(name="Experience", slug="experience", position=1)
    food = CategoryFactory(name="Food", slug="food", parent=product, position=1)
    drinks = CategoryFactory(name="Drinks", slug="drinks", parent=product, position=0)
    service = CategoryFactory(name="Service", slug="service", parent=experience)
    CategoryFactory(name="Closed", slug="closed", is_active=False)
    assert list(categories_in_order()) == [product, drinks, food, experience, service]
