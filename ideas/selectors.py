"""Reads on ideas that pages and the API share, each with a fixed number of queries."""

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
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


def idea_list(*, viewer=None) -> QuerySet[Idea]:
    """Visible ideas, newest first, with what a list shows of each (and the viewer's vote);
    ideas.filters narrows it, idea_page sorts and pages it."""
    return with_my_vote(_with_relations(_visible()), viewer).order_by("-created_at", "-id")


def with_my_vote(ideas: QuerySet[Idea], viewer) -> QuerySet[Idea]:
    """Annotate `my_vote` (1, -1 or None) for a signed-in viewer, in the same query."""
    if viewer is None or not viewer.is_authenticated:
        return ideas
    from voting.models import Vote

    mine = Vote.objects.filter(idea=OuterRef("pk"), voter=viewer).values("value")[:1]
    return ideas.annotate(my_vote=Subquery(mine))


# sort name -> the stored key it orders by (descending, then by id descending); each has an index.
SORTS = {"hot": "hot", "top": "wilson", "new": "created_at", "trending": "trending", "discussed": "comment_count"}
DEFAULT_SORT = "hot"


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class IdeaPage:
    ideas: list[Idea]
    next_cursor: str | None


def _encode_cursor(value, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, field: str) -> tuple:
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if field == "created_at":
            value = datetime.fromisoformat(value)
        elif not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError
        if not isinstance(pk, int):
            raise TypeError
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise BadCursor(str(error)) from None
    return value, pk


def idea_page(ideas: QuerySet[Idea], *, sort: str, cursor: str | None = None, size: int = 20) -> IdeaPage:
    """One page of ideas in a sort, by keyset: the page after a cursor costs the same as the first."""
    field = SORTS[sort]
    ideas = ideas.order_by(f"-{field}", "-id")
    if cursor:
        value, pk = _decode_cursor(cursor, field)
        # Two seeks on the (key, id) index instead of one OR, which SQLite cannot seek: first the
        # rest of the ideas that share the cursor's key, then those below it. Either way a page
        # reads one page of rows, however many ideas share a key (ties are common: 0 comments).
        rows = list(ideas.filter(**{field: value, "pk__lt": pk})[: size + 1])
        if len(rows) <= size:
            rows += list(ideas.filter(**{f"{field}__lt": value})[: size + 1 - len(rows)])
    else:
        rows = list(ideas[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = _encode_cursor(getattr(rows[-1], field), rows[-1].pk) if more else None
    return IdeaPage(rows, next_cursor)


def idea_get(*, pk: int, viewer=None) -> Idea:
    """One visible idea (with the viewer's vote), or Idea.DoesNotExist."""
    return with_my_vote(_with_relations(_visible()), viewer).get(pk=pk)


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
