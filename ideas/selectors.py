"""Reads on ideas that pages and the API share, each with a fixed number of queries."""

import re

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from ideas.models import Category, Idea, Tag

_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common in idea titles to say two ideas are alike.
_STOPWORDS = (
    "a an and are as at be by for from have in is it of on or that the this to with you your we our can "
    "should would could more less make add let please option new better"
)
SIMILAR_STOPWORDS = frozenset(_STOPWORDS.split())


def _visible() -> QuerySet[Idea]:
    return Idea.objects.filter(deleted_at__isnull=True)


def _with_relations(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    return ideas.select_related("author", "category__parent").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )


def search_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:10]


def idea_list() -> QuerySet[Idea]:
    """Visible ideas, newest first, with what a list shows of each; ideas.filters narrows it."""
    return _with_relations(_visible()).order_by("-created_at", "-id")


def idea_get(*, pk: int) -> Idea:
    """One visible idea, or Idea.DoesNotExist."""
    return _with_relations(_visible()).get(pk=pk)


def idea_similar(*, title: str, exclude_pk: int | None = None, limit: int = 5) -> list[Idea]:
    """Ideas whose titles share the most meaningful words with a title being typed."""
    words = [w for w in search_words(title) if len(w) > 2 and w not in SIMILAR_STOPWORDS]
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(title__icontains=word)
    candidates = _visible().filter(match).select_related("category").order_by("-score", "-created_at")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)

    def shared(idea: Idea) -> int:
        return len(set(words) & set(search_words(idea.title)))

    return sorted(candidates[:50], key=shared, reverse=True)[:limit]


def categories_in_order() -> QuerySet[Category]:
    """Active categories, each parent followed by its children, for menus, filters and forms."""
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by(
            Coalesce("parent__position", "position"),
            Coalesce("parent_id", "id"),
            F("parent_id").asc(nulls_first=True),
            "position",
            "name",
        )
    )


def category_list() -> list[Category]:
    return list(categories_in_order())
