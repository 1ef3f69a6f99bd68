"""Shared helpers of the moderation tests: flag a target through the service until it hides."""

from moderation.models import Flag, FlagReason
from moderation.services import flag_create
from tests.factories import UserFactory


def flagged(target: str, *flaggers, reason: str = FlagReason.SPAM, note: str = "") -> Flag:
    """Flag `target` ("idea:12") by each of `flaggers` (three new members when none are given: enough
    weight to hide it pending review); the last flag, whose case is the target's open case."""
    flag = None
    for flagger in flaggers or [UserFactory() for _ in range(3)]:
        flag = flag_create(actor=flagger, target=target, reason=reason, note=note)
    return flag
