"""manage.py seed_demo: demo categories, members with one known password, staff roles, ideas, comments,
the product team's moves through the pipeline, the moderators' queue, and word of mouth: shares that brought
visitors, new members and votes, with the points, badges and dashboard figures that follow.

Idempotent: running it again adds nothing that is already there.
"""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import role_grant
from community.models import LedgerEntry, Reason, Share, Visit
from community.points import MILESTONES
from community.shares import share_bind, share_code, share_record, share_visit
from core.ratelimit import writes_unlimited
from demo.content import (
    ABUSE,
    ADMIN,
    CATEGORIES,
    IDEAS,
    MEMBERS,
    MODERATOR,
    NEWCOMERS,
    OFF_TOPIC,
    PIPELINE,
    PRODUCT_TEAM,
    SHARE_WEEKS,
    SHARES,
    SPAM_FLAGGERS,
    SPAM_IDEA,
    SPAMMER,
    THREADS,
    idea_body,
)
from discussion.models import Comment
from discussion.services import comment_edit, comment_mark_official, comment_post
from ideas.models import Category, Idea
from ideas.ranking import hot
from ideas.services import idea_submit
from moderation.models import ActionKind, Case, FlagReason
from moderation.services import appeal_create, case_decide, flag_create
from pipeline.models import StatusChange
from pipeline.services import idea_merge, idea_transition
from voting.models import Vote
from voting.services import vote_cast

DEMO_PASSWORD = "idea-forum-demo"
# Ideas the product team took up (and did not turn down): the most supported of the demo.
PLANNED = {title for _days, title, status, _note, _into in PIPELINE if status not in {"declined", "merged"}}


class Command(BaseCommand):
    help = "Fill the forum with demo data (safe to run more than once)."

    def handle(self, *args, **options):
        # The demo's members post and vote far faster than the per-member write limits allow.
        with writes_unlimited(), transaction.atomic():
            categories = self._categories()
            members = [self._member(email, name) for email, name in MEMBERS]
            moderator = self._member(*MODERATOR)
            role_grant(actor=None, user=moderator, role=Role.MODERATOR)
            product_team = self._member(*PRODUCT_TEAM)
            role_grant(actor=None, user=product_team, role=Role.PRODUCT_TEAM)
            self._member(*ADMIN, superuser=True)
            created = self._ideas(categories, members)
            people = {member.display_name: member for member in [*members, product_team]}
            comments = self._threads(people, product_team)
            moves = self._pipeline(product_team)
            cases = self._moderation(people, moderator, categories)
            visits = self._word_of_mouth(people)
            call_command("badges_award", all=True, stdout=self.stdout)
        # The staff dashboard's figures, so /insights/ shows the demo at once (the worker then keeps them).
        call_command("insights_rollup", full=True, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new ideas, {comments} new comments, {moves} status changes, "
                f"{cases} cases for the moderators, {visits} visits through shares)."
            )
        )
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        self.stdout.write(f"  member:       {MEMBERS[0][0]} (and {len(MEMBERS) - 1} more @example.com)")
        self.stdout.write(f"  moderator:    {MODERATOR[0]}")
        self.stdout.write(f"  product team: {PRODUCT_TEAM[0]}")
        self.stdout.write(f"  admin:        {ADMIN[0]} (/admin/)")

    def _categories(self) -> dict[str, Category]:
        by_slug = {}
        for position, (name, slug, description, children) in enumerate(CATEGORIES):
            parent, _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "position": position}
            )
            by_slug[slug] = parent
            for child_position, (child_name, child_slug) in enumerate(children):
                by_slug[child_slug], _ = Category.objects.get_or_create(
                    slug=child_slug, defaults={"name": child_name, "parent": parent, "position": child_position}
                )
        return by_slug

    def _member(self, email: str, name: str, superuser: bool = False, joined_days_ago: int = 180) -> User:
        """A demo account, a member for half a year (past the limits on new accounts) unless said otherwise."""
        user = User.objects.filter(email=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            joined = timezone.now() - timedelta(days=joined_days_ago)
            user = create(email=email, password=DEMO_PASSWORD, display_name=name, date_joined=joined)
        return user

    def _ideas(self, categories: dict[str, Category], members: list[User]) -> int:
        created = 0
        now = timezone.now()
        for number, (slug, title, tags, why, how) in enumerate(IDEAS):
            author = members[number % len(members)]
            if Idea.objects.filter(title=title, author=author).exists():
                continue
            idea = idea_submit(
                actor=author, title=title, body=idea_body(why, how), category=categories[slug], tags=tags
            )
            # Spread the demo ideas over the past weeks, newest last in the list above.
            created_at = now - timedelta(hours=7 * (len(IDEAS) - number))
            Idea.objects.filter(pk=idea.pk).update(created_at=created_at, hot=hot(0, created_at))
            self._votes(idea.pk, number, author, members, popular=title in PLANNED)
            created += 1
        return created

    def _votes(self, idea_id: int, number: int, author: User, members: list[User], popular: bool) -> None:
        """A spread of votes, the same on every run: some ideas popular, some divisive; the ideas the
        product team takes up are the ones most members wanted."""
        voters = [m for m in members if m != author]
        count = len(voters) if popular else (number * 7) % len(voters) + 1
        for position, voter in enumerate(voters[:count]):
            value = -1 if (number + position) % 5 == 0 else 1
            vote_cast(actor=voter, idea_id=idea_id, value=value)

    def _threads(self, people: dict[str, User], product_team: User) -> int:
        """Conversations on the most popular ideas, written through the services (counts, trending and
        follows stay exact): replies three levels deep, mentions, an edit, an official response."""
        written = 0
        for title, thread in THREADS.items():
            idea = Idea.objects.filter(title=title, author__in=people.values()).first()
            if idea is None or Comment.objects.filter(idea=idea).exists():
                continue  # written on an earlier run (or discussed already: the demo adds nothing there)
            for entry in thread:
                written += self._comment(idea, entry, None, people, product_team)
        return written

    def _comment(self, idea: Idea, entry: dict, parent, people: dict[str, User], product_team: User) -> int:
        def text(raw: str) -> str:
            for name, member in people.items():
                raw = raw.replace(f"{{@{name}}}", f"@[{name}](member:{member.pk})")
            return raw

        author = people[entry["by"]]
        comment = comment_post(actor=author, idea=idea, body=text(entry["text"]), parent=parent)
        if "edit" in entry:
            comment_edit(actor=author, comment=comment, body=text(entry["edit"]))
        if entry.get("official"):
            comment_mark_official(actor=product_team, comment=comment)
        return 1 + sum(self._comment(idea, reply, comment, people, product_team) for reply in entry["replies"])

    def _pipeline(self, product_team: User) -> int:
        """The product team's moves, through the services (timelines, merges, counts and notifications
        as on the site), dated over the past weeks: a roadmap with a history from the first visit."""
        if StatusChange.objects.exists():
            return 0  # moved on an earlier run (or by the product team since)
        titles = {title for _days, title, *_rest in PIPELINE}
        ideas = {idea.title: idea for idea in Idea.objects.filter(title__in=titles)}
        now = timezone.now()
        # An idea is older than its first move.
        for days, title, *_rest in PIPELINE:
            first_move = now - timedelta(days=days + 4)
            idea = ideas[title]
            if idea.created_at > first_move:
                idea.created_at = first_move
                Idea.objects.filter(pk=idea.pk).update(created_at=first_move, hot=hot(idea.score, first_move))
        for days, title, status, note, into in PIPELINE:
            idea = Idea.objects.get(pk=ideas[title].pk)
            if into is not None:
                change = idea_merge(actor=product_team, idea=idea, into=ideas[into].pk, note=note)
            else:
                change = idea_transition(actor=product_team, idea=idea, to=status, note=note)
            at = now - timedelta(days=days, hours=(idea.pk * 5) % 9)
            StatusChange.objects.filter(pk=change.pk).update(created_at=at)
            Idea.objects.filter(pk=idea.pk).update(status_changed_at=at)
        return len(PIPELINE)

    def _moderation(self, people: dict[str, User], moderator: User, categories: dict[str, Category]) -> int:
        """The queue as a moderator finds it, through the services: spam hidden by members' flags, an
        appeal against a moderator's action, and a comment flagged once."""
        if Case.objects.exists():
            return 0  # flagged on an earlier run (or by members since)
        spammer = self._member(*SPAMMER, joined_days_ago=0)
        slug, title, body = SPAM_IDEA
        spam = idea_submit(actor=spammer, title=title, body=body, category=categories[slug])
        for name, reason, note in SPAM_FLAGGERS:
            flag_create(actor=people[name], target=f"idea:{spam.pk}", reason=reason, note=note)
        flag_create(actor=people[SPAM_FLAGGERS[0][0]], target=f"member:{spammer.pk}", reason=FlagReason.SPAM)
        rude = comment_post(actor=people[ABUSE["by"]], idea=Idea.objects.get(title=ABUSE["idea"]), body=ABUSE["text"])
        flag = flag_create(actor=people[ABUSE["flagged_by"]], target=f"comment:{rude.pk}", reason=FlagReason.ABUSIVE)
        action = case_decide(actor=moderator, case=flag.case, action=ActionKind.HIDE, reason=ABUSE["hidden_because"])
        appeal_create(actor=people[ABUSE["by"]], action=action, text=ABUSE["appeal"])
        chatter = comment_post(
            actor=people[OFF_TOPIC["by"]], idea=Idea.objects.get(title=OFF_TOPIC["idea"]), body=OFF_TOPIC["text"]
        )
        flag_create(
            actor=people[OFF_TOPIC["flagged_by"]],
            target=f"comment:{chatter.pk}",
            reason=FlagReason.OFF_TOPIC,
            note=OFF_TOPIC["note"],
        )
        return Case.objects.count()

    def _word_of_mouth(self, people: dict[str, User]) -> int:
        """Members share ideas; visitors come through their links, some sign up and vote, all through the share
        services (the sharers earn as on the site). Then every vote and ledger line takes the time of what it
        records, spread over the past weeks: the services wrote them now."""
        if Share.objects.exists():
            return 0  # shared on an earlier run
        now = timezone.now()
        newcomers = iter(NEWCOMERS)
        visits = 0
        for number, (name, title, channel, visitors, signups, votes) in enumerate(SHARES):
            sharer, idea = people[name], Idea.objects.get(title=title)
            share = share_record(actor=sharer, idea=idea, channel=channel)
            code = share_code(sharer.pk, channel)
            first = now
            for visitor in range(visitors):
                visit = share_visit(idea=idea, code=code, viewer=AnonymousUser(), client=f"demo|{number}|{visitor}")
                at = now - timedelta(days=(visitor * 53 + number * 11) % (7 * SHARE_WEEKS), hours=visitor % 9 + 1)
                first = min(first, at)
                if visitor < signups:
                    member = self._member(*next(newcomers), joined_days_ago=0)
                    share_bind(member=member, visit_ids=[visit.pk])
                    if visitor < votes:
                        vote_cast(actor=member, idea_id=idea.pk, value=1)
                    User.objects.filter(pk=member.pk).update(date_joined=at)
                    Vote.objects.filter(voter=member).update(created_at=at + timedelta(minutes=20))
                    LedgerEntry.objects.filter(by=member).update(created_at=at + timedelta(minutes=20))
                Visit.objects.filter(pk=visit.pk).update(day=timezone.localdate(at), created_at=at)
                visits += 1
            Share.objects.filter(pk=share.pk).update(created_at=first - timedelta(hours=1))
        self._date_history(now)
        return visits

    def _date_history(self, now) -> None:
        """Votes spread between their idea's birth and now; ledger lines at the time of what earned them."""
        votes = list(Vote.objects.filter(voter__date_joined__lt=now - timedelta(days=1)).select_related("idea"))
        for vote in votes:
            vote.created_at = vote.idea.created_at + (now - vote.idea.created_at) * ((vote.pk * 37) % 90 / 100)
        Vote.objects.bulk_update(votes, ["created_at"])
        lines = LedgerEntry.objects.filter(created_at__gt=now - timedelta(days=1))
        when = {
            Reason.IDEA_SUBMITTED: Idea.objects.filter(pk=OuterRef("idea_id")).values("created_at"),
            # An upvote merged into another idea since keeps the time it was written.
            Reason.UPVOTE_RECEIVED: Vote.objects.filter(idea=OuterRef("idea_id"), voter=OuterRef("by_id")).values(
                "created_at"
            ),
        }
        for status, reason in MILESTONES.items():
            when[reason] = StatusChange.objects.filter(idea=OuterRef("idea_id"), to_status=status).values("created_at")
        for reason, at in when.items():
            lines.filter(reason=reason).update(created_at=Coalesce(Subquery(at[:1]), F("created_at")))
