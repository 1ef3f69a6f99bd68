"""Reads on members: public profiles, mentions and their suggestions, and the export of all of one's own data."""

from collections.abc import Iterable

from django.db.models import Q

from accounts.models import DISPLAY_NAME_MAX, User
from core.member_data import export_member


def member_get(*, pk: int) -> User:
    """An active member, or User.DoesNotExist."""
    return User.objects.get(pk=pk, is_active=True)


def member_connections(*, user: User):
    """The member's social sign-in connections, for the account page and the export."""
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(user=user).order_by("provider")


def member_address_verified(*, user: User) -> bool:
    """Whether the member proved they hold their account's e-mail address (allauth's confirmation link)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email=user.email.lower(), verified=True).exists()


def member_token(*, user: User):
    """The member's API token (key and when it was made), if they made one."""
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=user).first()


def member_export(*, user: User) -> dict:
    """Everything the forum holds about a member, for GDPR export: each app's part, from the registry."""
    return export_member(user)


def profile_export(user: User) -> dict:
    """The accounts app's part of the export: the profile itself."""
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "avatar_url": user.avatar_url,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": sorted(user.role_names),
    }


def email_addresses_export(user: User) -> list[dict]:
    from allauth.account.models import EmailAddress

    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def connections_export(user: User) -> list[dict]:
    return [
        {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined.isoformat()}
        for a in member_connections(user=user)
    ]


def mention_links(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """The name and profile address of each active member among `ids`, for the renderer to link
    their mentions (core.content's resolver); a deleted or unknown member is simply absent."""
    members = User.objects.filter(pk__in=list(ids), is_active=True).only("pk", "display_name")
    return {member.pk: (member.public_name, member.get_absolute_url()) for member in members}


SUGGESTIONS_MAX = 8
SUGGEST_MIN = 2


def member_suggestions(*, query: str, limit: int = SUGGESTIONS_MAX) -> list[User]:
    """Active members whose display name holds every word typed (any case), for the @mention
    autocomplete: at most `limit`, and nothing for fewer than two characters."""
    words = query[: DISPLAY_NAME_MAX * 2].split()[:5]
    if len("".join(words)) < SUGGEST_MIN:
        return []
    match = Q()
    for word in words:
        match &= Q(display_name__icontains=word)
    members = User.objects.filter(match, is_active=True).only("pk", "display_name")
    return list(members.order_by("display_name", "pk")[:limit])
