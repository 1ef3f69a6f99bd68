"""Small helpers every page view shares: the 404 of an idea, the 403 page, the 429 answer, and a
service called for a form."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.permissions import Suspended
from core.errors import DomainError
from core.ratelimit import RateLimited
from ideas import selectors
from ideas.models import Idea
from ideas.selectors import BadListParameter

T = TypeVar("T")


def no_such_idea() -> Http404:
    return Http404(_("No idea with that number."))


def get_idea(pk: int, viewer=None) -> Idea:
    try:
        return selectors.idea_get(pk=pk, viewer=viewer)
    except Idea.DoesNotExist:
        raise no_such_idea() from None


def requires(rule):
    """A page for those `rule(user=...)` allows (a permission of the apps): a visitor signs in first, anyone
    else refused gets the rule's reason as the 403 page."""

    def decorate(view):
        @login_required
        @wraps(view)
        def guarded(request, *args, **kwargs):
            verdict = rule(user=request.user)
            if not verdict:
                return refused(request, verdict.error)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def safe_next(request, candidate: str, fallback: str) -> str:
    """Where to go back to after a form: `candidate` (a "next" the page sent) if it is one of our own pages,
    else `fallback`; never another site."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def answer(response, limited: RateLimited | Suspended | None):
    """The page again with the status of what its form now says: 429 with Retry-After when the member was
    writing too fast (or is a new account at its first hours' limit), 403 when they are suspended."""
    if limited is not None:
        response.status_code = limited.status_code
        if isinstance(limited, RateLimited):
            response["Retry-After"] = str(limited.retry_after)
    return response


def refused(request, error: DomainError):
    return render(request, "403.html", {"message": error.message}, status=error.status_code)


def read_params(query: QueryDict, read: Callable[[QueryDict], T]) -> tuple[T, QueryDict, list[str]]:
    """A list's parameters as `read` takes them from the query, the query without any bad one, and what
    was wrong: a bad one is named and left out (of this page and of its links), never silently."""
    query, problems = query.copy(), []
    while True:
        try:
            return read(query), query, problems
        except BadListParameter as error:
            problems.append(error.message)
            query.pop(error.field, None)


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's errors on the form: each on its field, or on the whole form if it has no such field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@dataclass(frozen=True)
class Attempt:
    """What a service called for a form came to: done (with its result); refused with errors the form
    now shows (`limited` when it was the rate limit or a suspension, for the 429 or the 403); or
    `refusal`, a rule for the view to place (a 403 page, a conflict)."""

    done: bool = False
    result: object = None
    limited: RateLimited | Suspended | None = None
    refusal: DomainError | None = None


def attempt(form: forms.Form, action: Callable[[], object]) -> Attempt:
    """Call the service; an idea gone meanwhile is the 404 page, bad input goes on the form (nothing typed
    is lost), too many writes a form error with the 429, a suspension a form error with the 403."""
    try:
        return Attempt(done=True, result=action())
    except Idea.DoesNotExist:
        raise no_such_idea() from None
    except ValidationError as error:
        add_errors(form, error)
        return Attempt()
    except (RateLimited, Suspended) as error:
        form.add_error(None, error.message)
        return Attempt(limited=error)
    except DomainError as error:
        return Attempt(refusal=error)
