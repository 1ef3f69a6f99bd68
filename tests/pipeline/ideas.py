"""What the pipeline tests share: ideas put straight into a status, and votes cast through the service."""

from django.utils import timezone

from ideas.models import Idea, Status
from tests.factories import IdeaFactory
from voting.services import vote_cast


def idea_in(status: str, **fields) -> Idea:
    """An idea already at `status` (a merged one into an idea of its own), moved there just now."""
    if status == Status.MERGED and "merged_into" not in fields:
        fields["merged_into"] = IdeaFactory()
    return IdeaFactory(status=status, status_changed_at=timezone.now(), **fields)


def votes(idea: Idea, members, value: int = 1) -> None:
    """Each of `members` votes `value` on `idea`, as members vote (counts, sort keys, follows)."""
    for member in members:
        vote_cast(actor=member, idea_id=idea.pk, value=value)
