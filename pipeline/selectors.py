"""Reads of the pipeline that pages and the API share, each with a fixed number of queries: an idea's
public timeline, the roadmap, the Launched page, the product team's triage list and the internal notes."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.paging import Page, key_type, keyset_page
from discussion.models import Comment
from discussion.selectors import official_response
from ideas.models import Category, Idea, Status
from ideas.selectors import BadListParameter, list_cursor, page_size
from pipeline.models import InternalNote, StatusChange
from pipeline.moves import allowed_moves, can_merge_from

# The roadmap's columns: New is the idea list itself; Not planned and Merged show on request.
ROADMAP = (Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED)
ROADMAP_CLOSED = (Status.DECLINED, Status.MERGED)
COLUMN_MAX = 50  # cards per column; the column links to the whole list of its status
TRIAGE = (Status.NEW, Status.UNDER_REVIEW)
TRIAGE_PAGE = 50
LAUNCHED_PAGE = 10


def _people(changes: QuerySet[StatusChange]) -> QuerySet[StatusChange]:
    """Who made each change, with their roles (the "Product team" badge), and where a merge went."""
    return changes.select_related("actor", "merged_into").prefetch_related("actor__groups")


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an idea's public timeline: a status change, an idea merged into it, or its official response."""

    kind: str  # "status", "merged_in" or "official"
    at: datetime
    change: StatusChange | None = None
    comment: Comment | None = None


def timeline(*, idea: Idea, viewer) -> list[TimelineEntry]:
    """Everything the product team did with the idea in public, oldest first: its status changes with
    their notes, the ideas merged into it, and its official response. Seven queries, however long."""
    entries = [
        TimelineEntry("status", change.created_at, change=change)
        for change in _people(StatusChange.objects.filter(idea=idea))
    ]
    merged_in = StatusChange.objects.filter(merged_into=idea, idea__in=Idea.objects.visible_to(viewer))
    entries += [
        TimelineEntry("merged_in", change.created_at, change=change)
        for change in _people(merged_in.select_related("idea"))
    ]
    official = official_response(idea=idea, viewer=viewer)
    if official is not None:
        entries.append(TimelineEntry("official", official.official_at, comment=official))
    return sorted(entries, key=lambda entry: (entry.at, entry.kind != "status"))


def _cards(viewer, *, authors: bool = True) -> QuerySet[Idea]:
    """What a Launched or triage card shows of an idea: its category (and parent) and its author with
    their roles (a roadmap card names no author)."""
    ideas = Idea.objects.visible_to(viewer).select_related("category__parent")
    return ideas.select_related("author").prefetch_related("author__groups") if authors else ideas


@dataclass(frozen=True)
class Column:
    status: Status
    ideas: list[Idea]
    count: int

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def more(self) -> int:
        return self.count - len(self.ideas)


def roadmap(*, viewer, category: Category | None = None, closed: bool = False) -> list[Column]:
    """The roadmap: one column per status, the latest move first, at most COLUMN_MAX cards each. One
    query counts every column, one reads each column's cards."""
    statuses = ROADMAP + (ROADMAP_CLOSED if closed else ())
    ideas = _cards(viewer, authors=False).in_category(category)
    counts = dict(
        Idea.objects.visible_to(viewer)
        .in_category(category)
        .filter(status__in=statuses)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    columns = []
    for status in statuses:
        cards = (
            list(ideas.filter(status=status).order_by("-status_changed_at", "-id")[:COLUMN_MAX])
            if counts.get(status)
            else []
        )
        columns.append(Column(Status(status), cards, counts.get(status, 0)))
    return columns


def launched(*, viewer, cursor: str | None = None, size: int = LAUNCHED_PAGE) -> Page:
    """The Launched page: shipped ideas, latest launch first, each with its public status changes
    (`idea.story`, oldest first). Three queries a page, however many ideas and notes."""
    ideas = _cards(viewer).filter(status=Status.LAUNCHED, status_changed_at__isnull=False)
    page = keyset_page(ideas, field="status_changed_at", cursor=cursor, size=size)
    changes = _people(StatusChange.objects.filter(idea__in=[idea.pk for idea in page.rows])).order_by(
        "created_at", "id"
    )
    story: dict[int, list[StatusChange]] = {}
    for change in changes:
        story.setdefault(change.idea_id, []).append(change)
    for idea in page.rows:
        idea.story = story.get(idea.pk, [])
    return page


def launched_cursor(query: Mapping[str, str]) -> str | None:
    """The Launched page's ?cursor=, checked (BadListParameter names it)."""
    return list_cursor(query, key=key_type(Idea, "status_changed_at"))


# Triage: the most supported first, or the most active of the last days.
TRIAGE_SORTS = {"support": ("score", _("Most support")), "trending": ("trending", _("Trending"))}
TRIAGE_AGES = {
    "week": (_("Submitted this week"), timedelta(days=7), None),
    "month": (_("Submitted this month"), timedelta(days=30), None),
    "older": (_("Older than a month"), None, timedelta(days=30)),
}


@dataclass(frozen=True)
class TriageParams:
    sort: str = "support"
    status: str = ""  # "" for both triage statuses
    category: Category | None = None
    age: str = ""
    cursor: str | None = None
    size: int = TRIAGE_PAGE


def triage_params(query: Mapping[str, str], *, category: Category | None = None) -> TriageParams:
    """The triage list's sort, status, age, cursor and page size, read once for the page and the API
    (the category, a slug or id, is read by ideas.filters.CategoryField); BadListParameter names a bad one."""
    sort = query.get("sort") or "support"
    if sort not in TRIAGE_SORTS:
        raise BadListParameter("sort", _("Sort by one of: %(sorts)s.") % {"sorts": ", ".join(TRIAGE_SORTS)})
    status = query.get("status") or ""
    if status and status not in TRIAGE:
        raise BadListParameter("status", _("Triage lists ideas that are New or Under review."))
    age = query.get("age") or ""
    if age and age not in TRIAGE_AGES:
        raise BadListParameter("age", _("Choose an age of: %(ages)s.") % {"ages": ", ".join(TRIAGE_AGES)})
    size = page_size(query, default=TRIAGE_PAGE, maximum=100)
    cursor = list_cursor(query, key=key_type(Idea, TRIAGE_SORTS[sort][0]))
    return TriageParams(sort, status, category, age, cursor, size)


def triage(*, viewer, params: TriageParams) -> Page:
    """New and under-review ideas, the most supported (or trending) first, for the product team to move.
    Each card knows where it may go (`idea.moves`). Three queries a page, however many ideas."""
    ideas = _cards(viewer).in_category(params.category).filter(status__in=[params.status] if params.status else TRIAGE)
    if params.age:
        _label, newer_than, older_than = TRIAGE_AGES[params.age]
        now = timezone.now()
        if newer_than is not None:
            ideas = ideas.filter(created_at__gte=now - newer_than)
        if older_than is not None:
            ideas = ideas.filter(created_at__lt=now - older_than)
    page = keyset_page(ideas, field=TRIAGE_SORTS[params.sort][0], cursor=params.cursor, size=params.size)
    for idea in page.rows:
        idea.moves = allowed_moves(idea.status)
        idea.mergeable = can_merge_from(idea.status)
    return page


def internal_notes(*, idea: Idea) -> list[InternalNote]:
    """The idea's internal notes, oldest first, with their writers' roles. The caller has checked that
    the viewer is staff (pipeline.permissions.can_see_internal_notes)."""
    notes = InternalNote.objects.filter(idea=idea).select_related("author").prefetch_related("author__groups")
    return list(notes.order_by("created_at", "id"))


def pipeline_export(user) -> dict:
    """The status changes the member made and the internal notes they wrote, for their data export."""
    changes = StatusChange.objects.filter(actor=user).order_by("created_at", "id")
    notes = InternalNote.objects.filter(author=user).order_by("created_at", "id")
    return {
        "status_changes": [
            {
                "idea": change.idea_id,
                "from": change.from_status,
                "to": change.to_status,
                "note": change.note,
                "merged_into": change.merged_into_id,
                "at": change.created_at.isoformat(),
            }
            for change in changes
        ],
        "internal_notes": [
            {"idea": note.idea_id, "note": note.body, "at": note.created_at.isoformat()} for note in notes
        ],
    }
