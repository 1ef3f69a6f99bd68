"""A small known history for the staff dashboard's tests: ideas, votes, a comment and moves through the
pipeline, written by the services and then placed on fixed days (the services stamp "now")."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from discussion.models import Comment
from ideas.models import Idea
from pipeline.models import StatusChange
from pipeline.services import idea_transition
from tests.factories import IdeaFactory, UserFactory, comment
from voting.models import Vote
from voting.services import vote_cast


def at(day: date, hour: int = 12) -> datetime:
    """Noon (or `hour`) of a day in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def submitted(author, category, day: date, title: str) -> Idea:
    idea = IdeaFactory(author=author, category=category, title=title)
    Idea.objects.filter(pk=idea.pk).update(created_at=at(day, 9))
    idea.refresh_from_db()
    return idea


def upvoted(idea: Idea, voter, day: date) -> None:
    vote_cast(actor=voter, idea_id=idea.pk, value=1)
    Vote.objects.filter(idea=idea, voter=voter).update(created_at=at(day), updated_at=at(day))


def commented(idea: Idea, author, day: date) -> None:
    written = comment(author, idea)
    Comment.objects.filter(pk=written.pk).update(created_at=at(day))


def moved(idea: Idea, actor, to: str, day: date) -> None:
    change = idea_transition(actor=actor, idea=idea, to=to, note="Moving it along.")
    StatusChange.objects.filter(pk=change.pk).update(created_at=at(day, 10))
    Idea.objects.filter(pk=idea.pk).update(status_changed_at=at(day, 10))


def members(n: int) -> list:
    return [UserFactory() for _ in range(n)]
