"""Share links that measure word of mouth: the codes, who may share and see where visitors came from, the
services that count shares, visits, sign-ups and votes, the vote rule and the sources of an idea.

A share code carries the sharer and the channel (the idea is in the URL): base36 of the sharer's id, one
letter for the channel and six characters of an HMAC over both, so a link is made without the database and
a forged code is refused without it. A visit keeps no personal data: the visitor is a hash of their client
("ip|user agent") salted with a secret of the day, which is deleted once the day is over. The sharer earns
points for what a visit leads to in the same browser session (a sign-up, an upvote), never for raw clicks.

Share services live here rather than in a community/services.py, next to the codes and the rule they share.
"""

import base64
import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import can_write
from community.models import Channel, DailySalt, Reason, Share, Visit
from community.permissions import can_share
from community.points import earn, take_back
from core.hiding import taken_out
from core.ratelimit import check_write
from ideas.models import Idea
from voting.models import Vote

KEY_SALT = "community.shares.code"
LETTERS = {
    Channel.FACEBOOK: "f",
    Channel.X: "x",
    Channel.LINKEDIN: "l",
    Channel.EMAIL: "e",
    Channel.LINK: "c",
}
CHANNELS = {letter: channel for channel, letter in LETTERS.items()}
MAC_LENGTH = 6
_CODE = re.compile(rf"(?P<sharer>[0-9a-z]{{1,13}})(?P<letter>[fxlec])(?P<mac>[A-Za-z0-9_-]{{{MAC_LENGTH}}})")
SESSION_KEY = "share_visits"  # the visits of this browser session not yet bound to a member
SESSION_VISITS = 10  # at most this many kept: a session that clicked more is no one's word of mouth


# Codes


def _mac(sharer_id: int, channel: str) -> str:
    digest = salted_hmac(KEY_SALT, f"{sharer_id}:{channel}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_LENGTH]


def share_code(sharer_id: int, channel: str) -> str:
    """The code of a member's links on a channel: the same every time, so no row is needed to make one."""
    return f"{int_to_base36(sharer_id)}{LETTERS[Channel(channel)]}{_mac(sharer_id, channel)}"


def parse_code(code: str) -> tuple[int, str] | None:
    """(sharer id, channel) of a code we made; None for a forged, malformed or altered one."""
    match = _CODE.fullmatch(code or "")
    if match is None:
        return None
    sharer_id, channel = base36_to_int(match["sharer"]), CHANNELS[match["letter"]]
    if sharer_id < 1 or not constant_time_compare(match["mac"], _mac(sharer_id, channel)):
        return None
    return sharer_id, channel


def share_path(idea: Idea, code: str | None) -> str:
    """The idea's path as shared: with ?s=<code> for a member, bare for a visitor (whose shares count nothing)."""
    path = idea.get_absolute_url()
    return f"{path}?s={code}" if code else path


# Services


def _public(idea_id: int) -> bool:
    return Idea.objects.visible().filter(pk=idea_id).exists()


def _share(*, idea_id: int, sharer_id: int, channel: str) -> Share:
    """The share of (idea, sharer, channel), made once however many times it is pressed or followed (two
    requests at once: get_or_create reads the one its savepoint lost to)."""
    return Share.objects.get_or_create(idea_id=idea_id, sharer_id=sharer_id, channel=channel)[0]


def bad_channel() -> str:
    return _("Choose one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}


def share_record(*, actor, idea: Idea, channel: str) -> Share:
    """A member pressed a share button: the share counts once per idea and channel, however often pressed."""
    can_share(user=actor).check()
    can_write(user=actor).check()
    if channel not in Channel.values:
        raise ValidationError({"channel": bad_channel()})
    if not Idea.objects.visible_to(actor).filter(pk=idea.pk).exists():
        raise Idea.DoesNotExist
    check_write(actor=actor, action="share")
    return _share(idea_id=idea.pk, sharer_id=actor.pk, channel=channel)


def _salt_of(day) -> str:
    return DailySalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})[0].salt


def visitor_hash(*, salt: str, client: str) -> str:
    """Who the visitor is for one day only: their client hashed with the day's secret salt."""
    return hashlib.sha256((salt + client).encode()).hexdigest()[:32]


# The sites' link-preview fetchers and other robots open a shared link without anyone behind them.
ROBOTS = re.compile(
    r"bot|crawl|spider|preview|facebookexternalhit|facebookcatalog|embedly|whatsapp|slack|discord|telegram",
    re.IGNORECASE,
)


def share_visit(*, idea: Idea, code: str, viewer, client: str, agent: str = "") -> Visit | None:
    """Someone opened the idea through a shared link: counted once per share, visitor and day; the visitor is
    their client (its address) hashed with the day's salt, so a flood from one address counts once however
    it names its browser. A forged code, a gone sharer, the sharer themselves, a robot (`agent`, the user
    agent: link previews) or an idea not public count nothing (None), and never fail."""
    found = parse_code(code)
    if found is None or ROBOTS.search(agent):
        return None
    sharer_id, channel = found
    member_id = viewer.pk if viewer.is_authenticated else None
    if sharer_id == member_id or not _public(idea.pk):
        return None
    if not User.objects.filter(pk=sharer_id, is_active=True, banned_at__isnull=True).exists():
        return None
    day = timezone.localdate()
    with transaction.atomic():
        share = _share(idea_id=idea.pk, sharer_id=sharer_id, channel=channel)
        visitor = visitor_hash(salt=_salt_of(day), client=client)
        visit, made = Visit.objects.get_or_create(
            share=share, day=day, visitor=visitor, defaults={"member_id": member_id}
        )
        if not made and member_id and visit.member_id is None:
            visit.member_id = member_id
            visit.save(update_fields=["member"])
    return visit


def share_bind(*, member, visit_ids: list[int]) -> int:
    """The visits of a browser session become the member's once they sign up or sign in in it; a visit they
    joined after is the share's sign-up (one share per new member), which earns its sharer. How many bound.
    Each visit is taken by one member only, by a conditional update: two sessions holding the same visit
    (one address, one day) bind it once, and a visit someone joined through is never taken again."""
    visits = (
        Visit.objects.filter(pk__in=list(visit_ids)[:SESSION_VISITS])
        .filter(Q(member__isnull=True, joined_at__isnull=True) | Q(member=member))
        .exclude(share__sharer=member)
        .select_related("share")
        .order_by("created_at", "pk")
    )
    bound, joined = 0, False
    with transaction.atomic():
        for visit in visits:
            if visit.member_id is None and not Visit.objects.filter(pk=visit.pk, member__isnull=True).update(
                member=member
            ):
                continue  # another session took it meanwhile
            bound += 1
            if not joined and visit.joined_at is None and member.date_joined >= visit.created_at:
                joined = _joined(visit=visit, member=member)
    return bound


def _joined(*, visit: Visit, member) -> bool:
    """The visit brought a new member: its sharer earns, once per new member (the constraint joined_once)
    and once per visit (the conditional update). Whether the member is now brought by a share."""
    try:
        with transaction.atomic():
            if not Visit.objects.filter(pk=visit.pk, joined_at__isnull=True).update(joined_at=timezone.now()):
                return False
            idea_id = visit.share.idea_id
            earn(
                visit.share.sharer_id,
                Reason.SHARE_SIGNUP,
                target=f"idea:{idea_id}",
                idea_id=idea_id,
                by_id=member.pk,
            )
    except IntegrityError:  # another share brought them already
        pass
    return True


def vote_changed(*, idea: Idea, voter_id: int, before: int | None, after: int | None) -> None:
    """An upvote by a member who came through a share within SHARE_VOTE_HOURS earns its sharer (once per
    voter and idea); an upvote withdrawn or turned down takes it back. The sharer's own votes never count
    (their visits are never theirs), and nothing moves while the idea is taken out."""
    was_up, is_up = before == Vote.Value.UP, after == Vote.Value.UP
    if was_up == is_up or taken_out(idea):
        return
    visits = list(  # one query; a voter usually came through no share at all
        Visit.objects.filter(member_id=voter_id, share__idea_id=idea.pk)
        .exclude(share__sharer_id=voter_id)
        .select_related("share")
        .order_by("-created_at", "-pk")
    )
    target = f"idea:{idea.pk}"
    if is_up:
        since = timezone.now() - timedelta(hours=settings.SHARE_VOTE_HOURS)
        recent = [visit for visit in visits if visit.created_at >= since]
        if not recent or any(visit.voted_at for visit in visits):
            return
        visit = recent[0]
        visit.voted_at = timezone.now()
        visit.save(update_fields=["voted_at"])
        earn(visit.share.sharer_id, Reason.SHARE_VOTE, target=target, idea_id=idea.pk, by_id=voter_id)
        return
    visit = next((visit for visit in visits if visit.voted_at), None)  # one at most: an upvote credits one
    if visit is not None:
        visit.voted_at = None
        visit.save(update_fields=["voted_at"])
        reasons = [Reason.SHARE_VOTE, Reason.SHARE_VOTE_WITHDRAWN]
        take_back(visit.share.sharer_id, Reason.SHARE_VOTE_WITHDRAWN, target=target, reasons=reasons, by_id=voter_id)


def prune_salts(*, due) -> int:
    """Yesterday's salts go, so no visitor hash can be recomputed from a client afterwards; how many went."""
    return DailySalt.objects.filter(day__lt=timezone.localdate(due)).delete()[0]


# Reads


def share_count(idea: Idea) -> int:
    """How often the idea was shared: its shares (a member, a channel)."""
    return Share.objects.filter(idea=idea).count()


def times_shared(sources: list[dict]) -> int:
    """How often the idea was shared, from its sources (share_sources) when they are read anyway."""
    return sum(row["shares"] for row in sources)


def share_sources(idea: Idea) -> list[dict]:
    """Where the idea's visitors came from, per channel (every channel, in order): shares, visits, sign-ups
    and votes. One aggregate query."""
    counted = (
        Share.objects.filter(idea=idea)
        .values("channel")
        .annotate(
            n_shares=Count("pk", distinct=True),
            n_visits=Count("visits"),
            n_signups=Count("visits", filter=Q(visits__joined_at__isnull=False)),
            n_votes=Count("visits", filter=Q(visits__voted_at__isnull=False)),
        )
        .order_by()
    )
    rows = {row.pop("channel"): row for row in counted}
    empty = {"n_shares": 0, "n_visits": 0, "n_signups": 0, "n_votes": 0}
    return [
        {"channel": channel, "label": label, **{key[2:]: rows.get(channel, empty)[key] for key in empty}}
        for channel, label in Channel.choices
    ]
