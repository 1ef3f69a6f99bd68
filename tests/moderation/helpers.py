"""What the moderation tests share: naming a target, flagging it, hiding it by members' flags, deciding it."""

from accounts.models import User
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
