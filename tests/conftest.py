"""Shared fixtures: the named people of the tests (alice, bob, mo, pat, visitor) and their ideas."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import role_grant
from tests.factories import CategoryFactory, IdeaFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def alice(db):
    """A member, the author of most ideas in the tests."""
    return UserFactory(email="alice@example.com", display_name="Alice")


@pytest.fixture
def bob(db):
    """Another member."""
    return UserFactory(email="bob@example.com", display_name="Bob")


@pytest.fixture
def mo(db):
    """A moderator."""
    user = UserFactory(email="mo@example.com", display_name="Mo")
    role_grant(user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def pat(db):
    """A member of the product team."""
    user = UserFactory(email="pat@example.com", display_name="Pat")
    role_grant(user=user, role=Role.PRODUCT_TEAM)
    return user


@pytest.fixture
def visitor():
    return AnonymousUser()


@pytest.fixture
def product(db):
    return CategoryFactory(name="Product", slug="product")


@pytest.fixture
def drinks(product):
    return CategoryFactory(name="Drinks", slug="drinks", parent=product)


@pytest.fixture
def experience(db):
    return CategoryFactory(name="Experience", slug="experience")


@pytest.fixture
def alices_idea(alice, drinks):
    return IdeaFactory(author=alice, category=drinks, title="Oat milk at no extra charge", body="Please, **yes**.")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    """An API client signed in as someone: api_as(alice)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
