"""Helpers the community tests share."""

from django.contrib.auth.models import AnonymousUser

from community.models import Channel
from community.shares import share_code, share_visit

CLIENT = "203.0.113.7|Mozilla/5.0 (X11; Linux x86_64) Chrome/120"  # "ip|user agent", as the idea page builds it


def visit_by(idea, sharer, *, channel=Channel.LINK, viewer=None, client=CLIENT):
    """Someone (a visitor unless `viewer`) opens `idea` through `sharer`'s link on `channel`."""
    code = share_code(sharer.pk, channel)
    return share_visit(idea=idea, code=code, viewer=viewer or AnonymousUser(), client=client)
