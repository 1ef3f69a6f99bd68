"""Small helpers every page view shares: the 404 of an idea, the 403 page, the 429 answer."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.ratelimit import RateLimited
from ideas import selectors
from ideas.models import Idea


def no_such_idea() -> Http404:
    return Http404(_("No idea with that number."))


def get_idea(pk: int, viewer=None) -> Idea:
    try:
        return selectors.idea_get(pk=pk, viewer=viewer)
    except Idea.DoesNotExist:
        raise no_such_idea() from None


def answer(response, limited: RateLimited | None):
    """The page again, as 429 with Retry-After when the member was writing too fast."""
    if limited is not None:
        response.status_code = limited.status_code
        response["Retry-After"] = str(limited.retry_after)
    return response


def refused(request, error: DomainError):
    return render(request, "403.html", {"message": error.message}, status=error.status_code)
