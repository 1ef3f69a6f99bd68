"""Shared helpers of the moderation tests: flag a target through the service until it hides, act on it as a
moderator, and write audit entries for the log."""

from django.db import transaction

from core import audit
from moderation.models import Flag, FlagReason
from moderation.services import case_decide, flag_create
from tests.factories import UserFactory


def flagged(target: str, *flaggers, reason: str = FlagReason.SPAM, note: str = "") -> Flag:
    """Flag `target` ("idea:12") by each of `flaggers` (three new members when none are given: enough
    weight to hide it pending review); the last flag, whose case is the target's open case."""
    flag = None
    for flagger in flaggers or [UserFactory() for _ in range(3)]:
        flag = flag_create(actor=flagger, target=target, reason=reason, note=note)
    return flag


def acted(mo, target: str, action: str, reason: str, **details):
    """A moderator flags `target` ("idea:12") and decides the case it opens: one action in the audit log."""
    flag = flagged(target, mo, reason=FlagReason.ABUSIVE)
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
