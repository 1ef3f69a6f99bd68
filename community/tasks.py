"""Background work of community: awarding badges (community/badges.py), enqueued after commit by
badges.award_later. Run twice, or by two workers at once, it awards each badge once."""

from django_tasks import task

from community.badges import badges_award_now


@task()
def badges_award(*, member_id: int) -> list[str]:
    """Award the member the badges they have earned and not yet received; the slugs awarded."""
    return [award.badge for award in badges_award_now(member_id=member_id)]
