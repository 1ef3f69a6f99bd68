"""Writes on members: granting and revoking roles."""

from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import Role, User


def role_grant(*, user: User, role: Role) -> None:
    """Put the member in the role's group, so pages and the API give them its powers."""
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    user.__dict__.pop("role_names", None)


def role_revoke(*, user: User, role: Role) -> None:
    """Take the role away again."""
    with transaction.atomic():
        user.groups.remove(*Group.objects.filter(name=role.value))
    user.__dict__.pop("role_names", None)


def api_token_issue(*, user: User) -> str:
    """The member's API token for scripts, made on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
