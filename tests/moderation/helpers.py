"""What the moderation tests share: naming a target, flagging it, hiding it by members' flags, deciding it, and
writing audit entries for the log."""

from django.db import transaction

from accounts.models import User
from core import audit
from discussion.models import Comment
from ideas.models import Idea
from moderation.models import Action, ActionKind, Case, Flag, FlagReason
from moderation.services import case_decide, flag_create
from tests.factories import UserFactory


def key(target: Idea | Comment | User) -> str:
    """The target as the API names it: "idea:12", "comment:7", "member:3"."""
    kind = {Idea: "idea", Comment: "comment", User: "member"}[type(target)]
    return f"{kind}:{target.pk}"


def flag(actor: User, target: Idea | Comment | User, reason: str = FlagReason.SPAM, **extra) -> Flag:
    return flag_create(actor=actor, target=key(target), reason=reason, **extra)


def flagged(target: str, *flaggers, reason: str = FlagReason.SPAM, note: str = "") -> Flag:
    """Flag `target` ("idea:12") by each of `flaggers` (three new members when none are given: enough
    weight to hide it pending review); the last flag, whose case is the target's open case."""
    last = None
    for flagger in flaggers or [UserFactory() for _ in range(3)]:
        last = flag_create(actor=flagger, target=target, reason=reason, note=note)
    return last


def hide_by_members(target: Idea | Comment | User) -> Case:
    """Three members' flags (weight 1 each): the target is hidden pending review; its open case."""
    return flagged(key(target)).case


def decide(
    actor: User, case: Case, action: str = ActionKind.HIDE, reason: str = "Against the rules.", **extra
) -> Action:
    """The moderator decides the case (a hide, unless told otherwise), with a reason."""
    return case_decide(actor=actor, case=case, action=action, reason=reason, **extra)


def acted(mo, target: str, action: str, reason: str, **details):
    """A moderator flags `target` ("idea:12") and decides the case it opens: one action in the audit log."""
    opened = flagged(target, mo, reason=FlagReason.ABUSIVE)
    return case_decide(actor=mo, case=opened.case, action=action, reason=reason, **details)


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
