"""Writes on members: profiles, roles, passwords, API tokens, and deleting an account."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from accounts.authentication import token_expired
from accounts.models import BIO_MAX, DISPLAY_NAME_MAX, Role, User, tidy_display_name
from accounts.permissions import can_use_display_name
from accounts.selectors import member_address_verified
from core import audit
from core.content import render_markdown
from core.errors import NotAllowed
from core.hiding import Hidden
from core.live import close_member_sockets
from core.member_data import erase_member


class NotAnAdmin(NotAllowed):
    default_message = gettext_lazy("Only an admin can do that.")


def profile_update(*, actor: User, display_name: str, bio: str) -> User:
    """A member changes what others see of them; the bio goes through the one renderer. A new name
    loses its invisible characters and may not pass for staff (accounts.permissions)."""
    display_name, bio = tidy_display_name(display_name), bio.strip()
    errors = {}
    if len(display_name) > DISPLAY_NAME_MAX:
        errors["display_name"] = [_("Keep your name to %(n)d characters or fewer.") % {"n": DISPLAY_NAME_MAX}]
    elif display_name and display_name != actor.display_name:
        verdict = can_use_display_name(user=actor, name=display_name)
        if not verdict:
            errors["display_name"] = [verdict.reason]
    if len(bio) > BIO_MAX:
        errors["bio"] = [_("Keep this to %(n)s characters or fewer.") % {"n": f"{BIO_MAX:,}"}]
    if errors:
        raise ValidationError(errors)
    bio_html = render_markdown(bio) if bio else ""
    actor.display_name, actor.bio, actor.bio_html = display_name, bio, bio_html
    actor.save(update_fields=["display_name", "bio", "bio_html"])
    return actor


def _check_admin(actor: User | None) -> None:
    """Roles change by an admin, or from the command line (actor None: `manage.py grant_role`)."""
    if actor is not None and not actor.is_superuser:
        raise NotAnAdmin()


def role_grant(*, actor: User | None, user: User, role: Role) -> None:
    """Put the member in the role's group, so pages and the API give them its powers."""
    _check_admin(actor)
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=role.value)
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            audit.record(actor=actor, verb="role.granted", target=user, data={"role": role.value})
    user.__dict__.pop("role_names", None)


def role_revoke(*, actor: User | None, user: User, role: Role) -> None:
    """Take the role away again."""
    _check_admin(actor)
    with transaction.atomic():
        groups = list(user.groups.filter(name=role.value))
        if groups:
            user.groups.remove(*groups)
            audit.record(actor=actor, verb="role.revoked", target=user, data={"role": role.value})
            # The role's live topics (the moderation queue) were allowed on their open sockets: those close,
            # and the page's reconnection is checked afresh.
            close_member_sockets(user.pk)
    user.__dict__.pop("role_names", None)


ADMIN_FLAGS = ("is_active", "is_staff", "is_superuser")


def member_flags_update(*, actor: User, user: User, **flags: bool) -> None:
    """An admin turns a member's account on or off (off ends their sessions and closes their live sockets),
    or gives or takes the admin site and full powers (a superuser holds every role); each change is recorded."""
    _check_admin(actor)
    changed = {name: bool(value) for name, value in flags.items() if getattr(user, name) != bool(value)}
    if set(changed) - set(ADMIN_FLAGS):
        raise ValueError(f"Only {ADMIN_FLAGS} change here.")
    if not changed:
        return
    with transaction.atomic():
        for name, value in changed.items():
            setattr(user, name, value)
        user.save(update_fields=list(changed))
        audit.record(actor=actor, verb="member.flags_changed", target=user, data=changed)
        if changed.get("is_active") is False or changed.get("is_superuser") is False:
            # Signed out (as by a ban), or powers taken back: their open sockets go too, and the page's
            # reconnection is checked afresh (no staff topic for someone who is no longer staff).
            close_member_sockets(user.pk)
    user.__dict__.pop("role_names", None)


def api_token_issue(*, actor: User) -> str:
    """The member's API token for scripts, made on first use and again once it has expired."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=actor).first()
        if token is not None and token_expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=actor)
    return token.key


def api_token_regenerate(*, actor: User) -> str:
    """A new token in place of the old one, which stops working at once (a leaked token, say)."""
    with transaction.atomic():
        Token.objects.filter(user=actor).delete()
        return Token.objects.create(user=actor).key


def api_token_revoke(*, actor: User) -> bool:
    """The member's token stops working; False if they had none."""
    deleted, _per_model = Token.objects.filter(user=actor).delete()
    return bool(deleted)


def password_change(*, user: User, password: str | None, actor: User | None = None) -> None:
    """A new password for the member (None: no password, provider sign-in only): their API tokens are
    revoked and every session of theirs ends, as Django ties a session to the password hash; the view
    keeps the session that made the change with update_session_auth_hash, as allauth and the admin do.
    An admin (`actor`) setting someone else's password is written to the audit trail."""
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        api_token_revoke(actor=user)
        if actor is not None and actor.pk != user.pk:
            audit.record(actor=actor, verb="account.password_set", target=user, data={"usable": password is not None})


def password_reset(*, user: User, password: str) -> None:
    """A new password through the link sent to the member's address. If that address was never
    confirmed, whoever made the account may not be the one resetting it now: someone could have
    signed up with another person's address and connected their own provider first (pre-account
    takeover). So those connections go, with the tokens and sessions, and only the holder of the
    address keeps a way in."""
    from allauth.socialaccount.models import SocialAccount

    with transaction.atomic():
        if not member_address_verified(user=user):
            connections = SocialAccount.objects.filter(user=user)
            providers = sorted(connections.values_list("provider", flat=True))
            if providers:
                connections.delete()
                audit.record(actor=None, verb="account.connections_removed", target=user, data={"providers": providers})
        password_change(user=user, password=password)


def account_delete(*, actor: User, user: User) -> None:
    """Erase a member: every app erases its part (votes are withdrawn, so counts stay true), then the
    profile, e-mail addresses, connections and tokens go with the row; their ideas stay, shown under
    "Deleted member". Their sessions end because the user they point to is gone. The audit entry
    keeps only the member's number, no personal data."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise NotAnAdmin()
    with transaction.atomic():
        erase_member(user)
        audit.record(
            actor=actor,
            verb="account.deleted",
            data={"member_id": user.pk, "by": "self" if actor.pk == user.pk else "admin"},
        )
        user.delete()


# The states moderation (a higher layer, which checks, records and announces) puts a member in. Each runs
# inside the moderation service's transaction, on the member's row locked there.


def profile_set_hidden(*, member: User, hidden: Hidden, reason: str = "") -> None:
    """Hide the member's profile (about and picture) from all but them and staff, or show it again."""
    member.profile_hidden = hidden
    member.profile_hidden_at = timezone.now() if hidden else None
    member.profile_hidden_reason = reason if hidden else ""
    member.save(update_fields=["profile_hidden", "profile_hidden_at", "profile_hidden_reason"])


def suspension_days(member: User) -> int:
    """How long the member's next suspension lasts: each one steps up SUSPENSION_DAYS, the last step repeats."""
    ladder = settings.SUSPENSION_DAYS
    return ladder[min(member.suspension_count, len(ladder) - 1)]


def member_suspend(*, member: User, days: int, reason: str) -> datetime:
    """The member reads but writes nothing for `days` (accounts.permissions.can_write); a suspension already
    running longer is never shortened by a new one. When this one ends."""
    until = timezone.now() + timedelta(days=days)
    if member.suspended_until is None or member.suspended_until < until:
        member.suspended_until = until
    member.suspension_reason = reason
    member.suspension_count += 1
    member.save(update_fields=["suspended_until", "suspension_reason", "suspension_count"])
    return until


def member_unsuspend(*, member: User, until: datetime) -> None:
    """An appeal granted against the suspension that ran (or runs) until `until`: it does not count toward
    the next one's length, and ends now if it is the one in force (a later one stays)."""
    if member.suspended_until is not None and member.suspended_until <= until:
        member.suspended_until = None
        member.suspension_reason = ""
    member.suspension_count = max(member.suspension_count - 1, 0)
    member.save(update_fields=["suspended_until", "suspension_reason", "suspension_count"])


def member_ban(*, member: User, reason: str) -> None:
    """The member can no longer sign in by any method: inactive, so Django's backend ends their sessions
    at the next request and DRF refuses their tokens; the tokens go too, and once it commits their open
    live sockets close."""
    member.is_active = False
    member.banned_at = timezone.now()
    member.ban_reason = reason
    member.save(update_fields=["is_active", "banned_at", "ban_reason"])
    Token.objects.filter(user=member).delete()
    close_member_sockets(member.pk)


def member_unban(*, member: User) -> None:
    """An appeal granted: the member may sign in again (a new API token is theirs to make)."""
    member.is_active = True
    member.banned_at = None
    member.ban_reason = ""
    member.save(update_fields=["is_active", "banned_at", "ban_reason"])
