"""Reads on members: public profiles and the export of all of one's own data."""

from accounts.models import User
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
