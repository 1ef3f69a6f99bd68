"""Values every page template needs."""

from functools import cached_property

from django.conf import settings

from accounts.permissions import can_write
from notifications.events import member_topic
from notifications.selectors import unread_count


class Bell:
    """The header's bell: the member's unread count, read (one query) only when a page shows it, so
    fragments and visitors' pages pay nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(member=self.user)

    @cached_property
    def topic(self) -> str:
        return member_topic(self.user.pk)


def site(request) -> dict:
    return {"site_name": settings.SITE_NAME}


def bell(request) -> dict:
    user = getattr(request, "user", None)
    return {"bell": Bell(user)} if user is not None and user.is_authenticated else {}


def suspension(request) -> dict:
    """A suspended member's banner on every page: why they cannot write, and until when (the user is read
    with the session already, so this costs no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    verdict = can_write(user=user)
    return {} if verdict else {"suspension": verdict.reason}
