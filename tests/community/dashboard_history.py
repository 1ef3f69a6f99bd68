"""A small known history for the staff dashboard's tests: ideas, votes, a comment and moves through the
pipeline, written by the services and then placed on fixed days (the services stamp "now")."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from community.models import Channel, Share, Visit
from discussion.models import Comment
from ideas.models import Idea, Status
from pipeline.models import StatusChange
from pipeline.services import idea_transition
from tests.factories import CategoryFactory, IdeaFactory, UserFactory, comment
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


def history(alice, bob, pat, drinks) -> dict:
    """Alice's oat milk goes all the way to launched with two supporters (Bob and Carol); Bob's idea, in
    Drinks too, is under review; Alice's idea about queues, in Experience, is new."""
    (carol,) = members(1)
    experience = CategoryFactory(name="Experience", slug="experience")
    oat = submitted(alice, drinks, days_ago(30), "Oat milk at no extra charge")
    straws = submitted(bob, drinks, days_ago(30), "Paper straws that do not go soft")
    queues = submitted(alice, experience, days_ago(20), "Shorter queues in the morning")
    upvoted(oat, bob, days_ago(30))
    upvoted(oat, carol, days_ago(29))
    upvoted(queues, bob, days_ago(20))
    commented(oat, bob, days_ago(29))
    moved(oat, pat, Status.UNDER_REVIEW, days_ago(28))
    moved(oat, pat, Status.REVIEWED, days_ago(26))
    moved(oat, pat, Status.COMING_SOON, days_ago(22))
    moved(oat, pat, Status.LAUNCHED, days_ago(20))
    moved(straws, pat, Status.UNDER_REVIEW, days_ago(25))
    # Bob shared the oat milk on X: three visitors, one who signed up (Carol) and voted, one who voted;
    # Alice mailed the queues idea to one visitor.
    on_x = Share.objects.create(idea=oat, sharer=bob, channel=Channel.X)
    by_mail = Share.objects.create(idea=queues, sharer=alice, channel=Channel.EMAIL)
    day = days_ago(10)
    Visit.objects.create(share=on_x, day=day, visitor="a", member=carol, joined_at=at(day), voted_at=at(day))
    Visit.objects.create(share=on_x, day=day, visitor="b")
    Visit.objects.create(share=on_x, day=day, visitor="c", voted_at=at(day))
    Visit.objects.create(share=by_mail, day=day, visitor="a")
    return {"oat": oat, "straws": straws, "queues": queues, "carol": carol, "experience": experience}
