"""Reads on votes."""

from voting.models import Vote


def votes_export(user) -> list[dict]:
    """The member's votes, for their data export (the title only of ideas still shown)."""
    votes = Vote.objects.filter(voter=user).select_related("idea").order_by("created_at", "id")
    return [
        {
            "idea": vote.idea_id,
            "idea_title": None if vote.idea.is_deleted else vote.idea.title,
            "value": vote.value,
            "created_at": vote.created_at.isoformat(),
            "updated_at": vote.updated_at.isoformat(),
        }
        for vote in votes
    ]
