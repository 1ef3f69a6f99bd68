"""Helpers the community tests share: a visit through a member's share link; ledger lines written directly,
at a chosen time, for boards and totals."""

from datetime import datetime

from django.contrib.auth.models import AnonymousUser

from community.models import Channel, LedgerEntry, Reason
from community.shares import share_code, share_visit

CLIENT = "203.0.113.7|Mozilla/5.0 (X11; Linux x86_64) Chrome/120"  # "ip|user agent", as the idea page builds it


def visit_by(idea, sharer, *, channel=Channel.LINK, viewer=None, client=CLIENT):
    """Someone (a visitor unless `viewer`) opens `idea` through `sharer`'s link on `channel`."""
    code = share_code(sharer.pk, channel)
    return share_visit(idea=idea, code=code, viewer=viewer or AnonymousUser(), client=client)


def ledger_line(member, points: int, *, at: datetime | None = None, idea=None, reason=Reason.COMMENT_POSTED):
    """One ledger line for `member`, as a rule would write it, at `at` (now when not given)."""
    line = LedgerEntry(member=member, points=points, reason=reason, target=f"idea:{idea.pk}" if idea else "member:0")
    line.idea = idea
    if at is not None:
        line.created_at = at
    line.save()
    return line
