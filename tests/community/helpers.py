"""What the community tests share: ledger lines written directly, at a chosen time, for boards and totals."""

from datetime import datetime

from community.models import LedgerEntry, Reason


def ledger_line(member, points: int, *, at: datetime | None = None, idea=None, reason=Reason.COMMENT_POSTED):
    """One ledger line for `member`, as a rule would write it, at `at` (now when not given)."""
    line = LedgerEntry(member=member, points=points, reason=reason, target=f"idea:{idea.pk}" if idea else "member:0")
    line.idea = idea
    if at is not None:
        line.created_at = at
    line.save()
    return line
