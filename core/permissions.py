"""The shape of every "may this person do that?" answer: allowed, or refused with the error that says why.

Each app's permissions.py answers with a Verdict; services raise its error, pages show its reason
(or hide the button), the API turns the error into its 4xx, and live topics check the same rule.
"""

from dataclasses import dataclass

from rest_framework.permissions import BasePermission

from core.errors import DomainError


@dataclass(frozen=True)
class Verdict:
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None

    @property
    def reason(self) -> str:
        """Why not, in words for the member; empty when allowed."""
        return self.error.message if self.error else ""

    def check(self) -> None:
        """Raise the refusal, if it is one."""
        if self.error is not None:
            raise self.error


ALLOWED = Verdict()


def refuse(error: DomainError) -> Verdict:
    return Verdict(error)


class VerdictPermission(BasePermission):
    """A rule as a DRF permission (set `rule`): a visitor gets 401 (with WWW-Authenticate), anyone else the
    rule's reason as 403, before the input is read."""

    rule = None

    def has_permission(self, request, view) -> bool:
        verdict = self.rule(user=request.user)
        self.message = verdict.reason
        return bool(verdict)
