"""manage.py seed_demo: demo categories, members with one known password, staff roles, ideas, comments,
and the product team's moves through the pipeline.

Idempotent: running it again adds nothing that is already there.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import role_grant
from core.ratelimit import writes_unlimited
from demo.content import ADMIN, CATEGORIES, IDEAS, MEMBERS, MODERATOR, PIPELINE, PRODUCT_TEAM, THREADS, idea_body
from discussion.models import Comment
from discussion.services import comment_edit, comment_mark_official, comment_post
from ideas.models import Category, Idea
from ideas.ranking import hot
from ideas.services import idea_submit
from pipeline.models import StatusChange
from pipeline.services import idea_merge, idea_transition
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
            role_grant(actor=None, user=self._member(*MODERATOR), role=Role.MODERATOR)
            product_team = self._member(*PRODUCT_TEAM)
            role_grant(actor=None, user=product_team, role=Role.PRODUCT_TEAM)
            self._member(*ADMIN, superuser=True)
            created = self._ideas(categories, members)
            people = {member.display_name: member for member in [*members, product_team]}
            comments = self._threads(people, product_team)
            moves = self._pipeline(product_team)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new ideas, {comments} new comments, {moves} status changes)."
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

    def _member(self, email: str, name: str, superuser: bool = False) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(email=email, password=DEMO_PASSWORD, display_name=name)
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
