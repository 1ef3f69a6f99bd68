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
    """Ideas whose titles share meaningful whole words with a title being typed, most shared first.

    One shared word is enough for a one-word title; longer titles need two, so a common word
    such as "free" alone does not pull in every idea that mentions it.
    """
    words = {w for w in search_words(title) if len(w) > 2 and w not in SIMILAR_STOPWORDS}
    if not words:
        return []
    needed = min(len(words), 2)
    match = Q()
    for word in words:
        match |= Q(title__icontains=word)
    candidates = _visible().filter(match).order_by("-score", "-created_at")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = [(len(words & set(search_words(idea.title))), idea) for idea in candidates[:100]]
    scored = [pair for pair in scored if pair[0] >= needed]
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return [idea for _shared, idea in scored[:limit]]


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
