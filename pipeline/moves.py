"""The moves of the pipeline (PRODUCT section 4): forward by one or more steps, back by one step, to
"Not planned" from any open status, "Not planned" reopened to "Under review"; merged is final."""

from ideas.models import Status

# The road from proposal to launch, in order.
ROAD = (Status.NEW, Status.UNDER_REVIEW, Status.REVIEWED, Status.COMING_SOON, Status.LAUNCHED)
# Where an idea can still be declined or merged: on the road, not yet launched.
OPEN = frozenset(ROAD[:-1])
# The moves that need a public note saying why.
NOTE_REQUIRED = frozenset({Status.DECLINED, Status.MERGED})
# The order the choices are offered in: the road, then "Not planned".
_ORDER = (*ROAD, Status.DECLINED)


def allowed_moves(status: str) -> list[Status]:
    """The statuses an idea in `status` may move to with a transition (a merge is its own action)."""
    allowed: set[Status] = set()
    if status in ROAD:
        at = ROAD.index(status)
        allowed.update(ROAD[at + 1 :])
        if at > 0:
            allowed.add(ROAD[at - 1])
        if status in OPEN:
            allowed.add(Status.DECLINED)
    elif status == Status.DECLINED:
        allowed.add(Status.UNDER_REVIEW)
    return [choice for choice in _ORDER if choice in allowed]


def can_merge_from(status: str) -> bool:
    return status in OPEN
