"""Small helpers the moderation tests share."""

from django.db import transaction

from core import audit
from moderation.models import FlagReason
from moderation.services import case_decide, flag_create


def acted(mo, target: str, action: str, reason: str, **details):
    """A moderator flags `target` ("idea:12") and decides the case it opens: one action in the audit log."""
    flag = flag_create(actor=mo, target=target, reason=FlagReason.ABUSIVE)
    return case_decide(actor=mo, case=flag.case, action=action, reason=reason, **details)


def recorded(*, actor, verb: str, target, reason: str = ""):
    """An audit entry as a service writes it, for logs longer than a test would act out one by one."""
    with transaction.atomic():
        return audit.record(actor=actor, verb=verb, target=target, reason=reason)


def log_entries(count: int, *, mo, pat, bob, idea, said) -> None:
    """`count` audit entries on each kind of target (an idea, a comment, a member), by two actors, oldest
    first: "Idea <n>", "Comment <n>", "Member <n>" (the last by Pat)."""
    for n in range(count):
        recorded(actor=mo, verb="moderation.hide", target=idea, reason=f"Idea {n}")
        recorded(actor=mo, verb="moderation.hide", target=said, reason=f"Comment {n}")
        recorded(actor=pat, verb="role.granted", target=bob, reason=f"Member {n}")
