"""The badges: what each one is for, the rule that says whether a member has earned it, and the awarding.

A badge is awarded once (a monthly one once per month) by the worker: `award_later` (called by
points.earn, whenever a member's ledger changes, and by the listeners below for what earns no points)
enqueues one `badges_award` task per member after the transaction commits; the task checks the rules
the member has not yet earned and writes an Award for each rule met, with its notification, in one
transaction. The unique constraint `award_once` makes two tasks running at once award it once.

Each rule is one or two queries on the records that say it now: a member's ideas and comments (those
taken out by moderation or deleted do not count, as they earn no points), the votes on their ideas, their
flags upheld, the visits through their shares that ended in a sign-up. Thresholds are in
settings.BADGE_THRESHOLDS; a badge earned stays earned.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from community.models import Award, LedgerEntry, Reason, Visit, local_midnight
from core.happenings import Happening, listen
from core.hiding import kept
from discussion.models import Comment
from ideas.models import Idea, Status
from moderation.models import Flag, FlagStatus
from notifications.models import Kind
from notifications.services import Notice, notify
from voting.models import Vote

TOP_CONTRIBUTOR = "top_contributor"


@dataclass(frozen=True)
class Badge:
    slug: str
    name: str
    text: str  # what it is for; `%(n)d` is its threshold (settings.BADGE_THRESHOLDS)
    monthly: bool = False  # earned once per month (Award.period "2026-03"), not once ever
    rule: Callable[[int], bool] | None = None  # a once-ever badge's rule: has this member earned it now?

    @property
    def threshold(self) -> int | None:
        return settings.BADGE_THRESHOLDS.get(self.slug)

    @property
    def description(self) -> str:
        """What it is for, with the threshold in force."""
        return str(self.text) % {"n": self.threshold or 0}


def has_first_idea(member_id: int) -> bool:
    return Idea.objects.filter(kept(), author_id=member_id).exists()


def has_first_comment(member_id: int) -> bool:
    return Comment.objects.filter(kept(), kept("idea__"), author_id=member_id).exists()


def has_first_launch(member_id: int) -> bool:
    return Idea.objects.filter(kept(), author_id=member_id, status=Status.LAUNCHED).exists()


def has_hundred_upvotes(member_id: int) -> bool:
    """The upvotes their ideas hold now (counted from the votes, not the ledger: an upvote withdrawn or on
    an idea taken out is not one they hold, and a line's points say nothing of how many votes it was)."""
    upvotes = Vote.objects.filter(kept("idea__"), idea__author_id=member_id, value=Vote.Value.UP)
    return upvotes.exclude(voter_id=member_id).count() >= settings.BADGE_THRESHOLDS["hundred_upvotes"]


def has_been_answered(member_id: int) -> bool:
    """The ledger's official-response line: written once per idea, never for answering oneself."""
    return LedgerEntry.objects.filter(member_id=member_id, reason=Reason.OFFICIAL_RESPONSE).exists()


def has_helpful_flags(member_id: int) -> bool:
    upheld = Flag.objects.filter(flagger_id=member_id, status=FlagStatus.UPHELD)
    return upheld.count() >= settings.BADGE_THRESHOLDS["helpful_flagger"]


def has_great_shares(member_id: int) -> bool:
    joined = Visit.objects.filter(share__sharer_id=member_id, joined_at__isnull=False)
    return joined.count() >= settings.BADGE_THRESHOLDS["great_sharer"]


def has_started_a_conversation(member_id: int) -> bool:
    """An idea of theirs with that many comments from others (deleted or hidden ones left out)."""
    comments = Comment.objects.filter(kept(), kept("idea__"), idea__author_id=member_id).exclude(author_id=member_id)
    busy = (
        comments.values("idea_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.BADGE_THRESHOLDS["conversation_starter"])
    )
    return busy.exists()


def has_supported(member_id: int) -> bool:
    """Votes on that many ideas (each idea once: a member has one vote per idea; their own cannot be voted)."""
    return Vote.objects.filter(voter_id=member_id).count() >= settings.BADGE_THRESHOLDS["supporter"]


BADGES = {
    badge.slug: badge
    for badge in [
        Badge("first_idea", _("First idea"), _("Proposed a first idea."), rule=has_first_idea),
        Badge(
            "first_comment", _("First comment"), _("Joined a conversation for the first time."), rule=has_first_comment
        ),
        Badge("first_launch", _("Launched"), _("An idea of theirs was launched."), rule=has_first_launch),
        Badge(
            "hundred_upvotes",
            _("Crowd favourite"),
            _("Received %(n)d upvotes on their ideas."),
            rule=has_hundred_upvotes,
        ),
        Badge(
            "well_answered",
            _("Heard"),
            _("The product team answered an idea of theirs officially."),
            rule=has_been_answered,
        ),
        Badge(
            "helpful_flagger",
            _("Helpful flagger"),
            _("%(n)d of their flags were upheld by moderators."),
            rule=has_helpful_flags,
        ),
        Badge("great_sharer", _("Great sharer"), _("Their shares brought %(n)d new members."), rule=has_great_shares),
        Badge(
            "conversation_starter",
            _("Conversation starter"),
            _("An idea of theirs drew %(n)d comments from others."),
            rule=has_started_a_conversation,
        ),
        Badge("supporter", _("Supporter"), _("Voted on %(n)d ideas."), rule=has_supported),
        Badge(TOP_CONTRIBUTOR, _("Top contributor"), _("Earned the most points in a month."), monthly=True),
    ]
}


def month_of(period: str) -> date | None:
    """The first day of a monthly award's period ("2026-03"), or None for a once-ever badge."""
    return date.fromisoformat(f"{period}-01") if period else None


@dataclass(frozen=True)
class Earned:
    """A badge as a profile shows it: what it is, when it was earned, and its month if monthly."""

    badge: Badge
    earned_at: datetime
    period: str  # as Award.period: "2026-03", or "" for a once-ever badge

    @property
    def month(self) -> date | None:
        return month_of(self.period)


def shown(awards: list[Award]) -> list[Earned]:
    """The awards (selectors.badges_of) with their badges; one no longer in the catalogue is left out."""
    return [
        Earned(badge=BADGES[award.badge], earned_at=award.earned_at, period=award.period)
        for award in awards
        if award.badge in BADGES
    ]


def _tell(award: Award) -> None:
    """The member hears of the badge in the app (and by e-mail if they chose so); the name in the site's
    language, as e-mails are written."""
    badge = BADGES[award.badge]
    with translation.override(settings.LANGUAGE_CODE):
        name = str(badge.name)
        if award.period:
            name = f"{name}, {date_format(month_of(award.period), 'YEAR_MONTH_FORMAT')}"
    notify(
        event=f"badge:{award.pk}",
        notices=[
            Notice(
                recipient_id=award.member_id,
                kind=Kind.BADGE,
                subject=f"badge:{award.pk}",
                link=reverse("member_profile", args=[award.member_id]) + "#badges",
                excerpt=name,
            )
        ],
    )


def _award(*, member_id: int, slug: str, period: str = "", at: datetime | None = None) -> Award | None:
    """Award the badge and tell the member, in one transaction: the new Award, or None if it was earned
    already (by this task before, or by another running at the same time)."""
    with transaction.atomic():
        award, created = Award.objects.get_or_create(
            member_id=member_id, badge=slug, period=period, defaults={"earned_at": at or timezone.now()}
        )
        if not created:
            return None
        _tell(award)
    return award


def badges_award_now(*, member_id: int) -> list[Award]:
    """Award the member every once-ever badge whose rule they meet and that they do not hold yet."""
    held = set(Award.objects.filter(member_id=member_id, period="").values_list("badge", flat=True))
    awarded = []
    for badge in BADGES.values():
        if badge.rule is None or badge.slug in held or not badge.rule(member_id):
            continue
        award = _award(member_id=member_id, slug=badge.slug)
        if award is not None:
            awarded.append(award)
    return awarded


def _previous_month(day: date) -> date:
    first = day.replace(day=1)
    return first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)


def _next_month(first: date) -> date:
    return first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)


def top_contributors(*, month: date) -> list[int]:
    """The members who earned the most points in the calendar month (the site's, as "This month" on the
    leaderboard), ranked as there, ties all in; members who earned nothing are never top."""
    first = month.replace(day=1)
    totals = LedgerEntry.objects.ranked(since=local_midnight(first), until=local_midnight(_next_month(first)))
    best = totals.order_by("-total").values_list("total", flat=True).first()
    if best is None:
        return []
    return sorted(totals.filter(total=best).values_list("member_id", flat=True))


def top_contributors_award(*, month: date) -> list[Award]:
    """Award the month's top contributors once: a month with an award already is done (a later run finds
    the month's figures settled; the unique period keeps two runs at once from awarding twice)."""
    period = month.strftime("%Y-%m")
    if Award.objects.filter(badge=TOP_CONTRIBUTOR, period=period).exists():
        return []
    earned_at = local_midnight(_next_month(month.replace(day=1)))
    awards = [
        _award(member_id=pk, slug=TOP_CONTRIBUTOR, period=period, at=earned_at) for pk in top_contributors(month=month)
    ]
    return [award for award in awards if award is not None]


def monthly_badges(*, due: datetime) -> list[Award]:
    """The daily job (core.schedule): the month before `due` gets its top contributors, once."""
    return top_contributors_award(month=_previous_month(timezone.localdate(due)))


def badges_award_all() -> list[Award]:
    """Everyone's badges now (the demo seed, or after the thresholds change): every active member's once-ever
    badges, and the top contributors of every month before this one that has points in the ledger."""
    awarded = []
    for member_id in User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        awarded += badges_award_now(member_id=member_id)
    this_month = timezone.localdate().replace(day=1)
    months = (
        LedgerEntry.objects.filter(created_at__lt=local_midnight(this_month))
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", flat=True)
        .distinct()
    )
    for month in sorted({moment.date() for moment in months}):
        awarded += top_contributors_award(month=month)
    return awarded


class _Commit:
    """What one transaction's callbacks share: the members they enqueued, and whether they ran."""

    def __init__(self) -> None:
        self.enqueued: set[int] = set()
        self.ran = False


class _AwardLater:
    """The members whose badges to check once the transaction commits. One callback per savepoint that
    adds members (a savepoint rolled back takes its callback with it, and only its own members); the
    callbacks of one transaction share what they enqueued, so each member is checked once per commit."""

    def __init__(self, commit: _Commit) -> None:
        self.member_ids: set[int] = set()
        self.commit = commit

    def __call__(self) -> None:
        from community.tasks import badges_award  # the task module imports this one

        self.commit.ran = True
        for member_id in sorted(self.member_ids - self.commit.enqueued):
            badges_award.enqueue(member_id=member_id)
            self.commit.enqueued.add(member_id)


class _Pending:
    """The transaction's callbacks by the savepoints they were registered in, and where each member is.
    Valid while Django keeps the same list of callbacks and none ran: a rollback (of a savepoint or of the
    whole) and a commit replace the list, and the next call reads the surviving callbacks again."""

    def __init__(self, callbacks: list) -> None:
        self.callbacks = callbacks
        self.by_savepoints: dict[frozenset, _AwardLater] = {}
        self.where: dict[int, list[frozenset]] = {}
        self.commit = _Commit()
        for savepoints, callback, _robust in callbacks:
            if isinstance(callback, _AwardLater) and not callback.commit.ran:
                self.commit = callback.commit
                self.by_savepoints[frozenset(savepoints)] = callback
                for member_id in callback.member_ids:
                    self.where.setdefault(member_id, []).append(frozenset(savepoints))


def award_later(member_id: int | None) -> None:
    """Check the member's badges on the worker once the current transaction commits (at once outside one)."""
    if member_id is None:
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "_badges_pending", None)
    if pending is None or pending.callbacks is not connection.run_on_commit or pending.commit.ran:
        pending = connection._badges_pending = _Pending(connection.run_on_commit)
    here = frozenset(connection.savepoint_ids)
    # Held by a callback of a savepoint enclosing this one (or of this one): it commits whenever this does.
    if any(savepoints <= here for savepoints in pending.where.get(member_id, ())):
        return
    pending.where.setdefault(member_id, []).append(here)
    later = pending.by_savepoints.get(here)
    if later is not None:
        later.member_ids.add(member_id)
        return
    later = pending.by_savepoints[here] = _AwardLater(pending.commit)
    later.member_ids.add(member_id)
    transaction.on_commit(later, robust=True)  # outside a transaction it runs at once (and the next call starts anew)


def _voted(*, voter_id: int, **_facts) -> None:
    award_later(voter_id)


def _commented_on(*, comment, **_facts) -> None:
    """A comment may make its idea's author a conversation starter (they earn no points for it)."""
    author_id = comment.idea.author_id  # the idea comment_post locked, no query
    if author_id != comment.author_id:
        award_later(author_id)


def register() -> None:
    """The badges that do not follow the member's own ledger: a vote they cast, others' comments."""
    listen(Happening.VOTE_CHANGED, _voted)
    listen(Happening.COMMENT_POSTED, _commented_on)
