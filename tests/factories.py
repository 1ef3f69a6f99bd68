"""factory_boy factories for the test suite."""

import factory
from django.utils.text import slugify

from accounts.models import User
from core.content import render_markdown
from ideas import ranking
from ideas.models import Category, Idea


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Idea number {n} for the forum")
    body = factory.Faker("paragraph")
    body_html = factory.LazyAttribute(lambda idea: render_markdown(idea.body))
    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def sort_keys(idea, create, extracted, **kwargs):
        """As idea_submit does: the hot value of the idea's age and score."""
        if create:
            idea.hot = ranking.hot(idea.score, idea.created_at)
            Idea.objects.filter(pk=idea.pk).update(hot=idea.hot)


def comment(author, idea, body="Yes, and with cinnamon.", parent=None):
    """A comment written through the service, as members write them (thread keys, counts, mentions)."""
    from discussion.services import comment_post

    return comment_post(actor=author, idea=idea, body=body, parent=parent)
