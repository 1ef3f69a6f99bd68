"""The signed one-click unsubscribe link of every e-mail: it names the member and the kind, works
signed out, and cannot be forged or changed to name someone else."""

from django.core import signing

SALT = "notifications.unsubscribe"
MAX_AGE_DAYS = 365  # a year-old e-mail still unsubscribes; an older link asks the member to sign in


class BadLink(Exception):
    """A forged, mangled or expired link."""


def make_token(*, member_id: int, kind: str) -> str:
    return signing.dumps([member_id, kind], salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str]:
    """The (member id, kind) the token names; BadLink if it was not made here, was changed or is too old."""
    try:
        member_id, kind = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS * 24 * 3600)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadLink() from None
    if not isinstance(member_id, int) or not isinstance(kind, str):
        raise BadLink()
    return member_id, kind
