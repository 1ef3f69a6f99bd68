"""Reads on members: public profiles and the export of all of one's own data."""

from django.db.models import QuerySet

from accounts.models import User
from ideas.models import Idea
from ideas.selectors import idea_list


def member_get(*, pk: int) -> User:
    """An active member, or User.DoesNotExist."""
    return User.objects.get(pk=pk, is_active=True)


def member_ideas(*, user: User) -> QuerySet[Idea]:
    """The member's visible ideas, newest first, with what a card shows."""
    return idea_list().filter(author=user)


def member_connections(*, user: User):
    """The member's social sign-in connections, for the account page and the export."""
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(user=user).order_by("provider")


def member_token(*, user: User) -> str | None:
    """The member's API token, if they made one."""
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=user).values_list("key", flat=True).first()


def member_export(*, user: User) -> dict:
    """Everything the forum holds about a member, for GDPR export. Later features add their parts."""
    from allauth.account.models import EmailAddress

    ideas = (
        Idea.objects.filter(author=user)
        .select_related("category")
        .prefetch_related("tags")
        .order_by("created_at", "id")
    )
    return {
        "profile": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "avatar_url": user.avatar_url,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.role_names),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "connections": [
            {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined.isoformat()}
            for a in member_connections(user=user)
        ],
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "body": idea.body,
                "category": idea.category.name,
                "tags": [tag.name for tag in idea.tags.all()],
                "status": idea.status,
                "created_at": idea.created_at.isoformat(),
                "edited_at": idea.edited_at.isoformat() if idea.edited_at else None,
                "deleted_at": idea.deleted_at.isoformat() if idea.deleted_at else None,
            }
            for idea in ideas
        ],
    }
