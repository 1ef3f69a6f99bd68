"""Writes on members: profiles, roles, API tokens, and deleting an account."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import BIO_MAX, Role, User
from ideas.content import render_markdown

DISPLAY_NAME_MAX = 60


def profile_update(*, user: User, display_name: str, bio: str) -> User:
    """A member changes what others see of them; the bio goes through the one renderer."""
    display_name, bio = " ".join(display_name.split()), bio.strip()
    errors = {}
    if len(display_name) > DISPLAY_NAME_MAX:
        errors["display_name"] = [_("Keep your name to %(n)d characters or fewer.") % {"n": DISPLAY_NAME_MAX}]
    if len(bio) > BIO_MAX:
        errors["bio"] = [_("Keep this to %(n)s characters or fewer.") % {"n": f"{BIO_MAX:,}"}]
    if errors:
        raise ValidationError(errors)
    user.display_name, user.bio, user.bio_html = display_name, bio, render_markdown(bio) if bio else ""
    user.save(update_fields=["display_name", "bio", "bio_html"])
    return user


def role_grant(*, user: User, role: Role) -> None:
    """Put the member in the role's group, so pages and the API give them its powers."""
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    user.__dict__.pop("role_names", None)


def role_revoke(*, user: User, role: Role) -> None:
    """Take the role away again."""
    with transaction.atomic():
        user.groups.remove(*Group.objects.filter(name=role.value))
    user.__dict__.pop("role_names", None)


def api_token_issue(*, user: User) -> str:
    """The member's API token for scripts, made on first use."""
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def account_delete(*, user: User) -> None:
    """Erase a member: personal data, e-mail addresses, connections and tokens go; their ideas stay,
    shown under "Deleted member". Their sessions end because the user they point to is gone."""
    from voting.services import votes_withdraw_all

    with transaction.atomic():
        votes_withdraw_all(voter=user)
        user.delete()
