"""allauth adapters: a social sign-in fills the profile from what the provider says, never slips
into an existing account by e-mail unless the provider is trusted for it (and never into a staff
account), tells the owner whenever a provider is connected, connects a provider only to an account
whose address is confirmed (and to a password-less one only after a fresh sign-in), and logs why a
sign-in failed."""

import logging

import requests
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.contrib import messages
from django.db import transaction
from django.db.models.functions import Lower
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import reauthentication, selectors
from accounts.middleware import provider_failed_page
from accounts.models import DISPLAY_NAME_MAX, User, tidy_display_name
from accounts.oidc.tokens import IdTokenRefused
from accounts.permissions import can_use_display_name

logger = logging.getLogger(__name__)


def may_sign_in_by_email(user: User) -> bool:
    """Staff, moderators and product team connect providers from their account page only: an
    address a provider vouches for is not enough to enter an account that acts on others' content."""
    return not (user.is_staff or user.is_staff_member)  # is_staff_member counts admins too


def failure_reason(request, error, exception, extra_context) -> str:
    """What went wrong in a failed social sign-in, in the operator's words."""
    if exception is not None:
        text = str(exception)
        if "invalid_client" in text:
            return f"the provider refused the client id or secret (invalid_client): {text}"
        return f"{type(exception).__name__}: {text}"
    if error == AuthError.CANCELLED:
        return "cancelled at the provider"
    if "state" not in extra_context:
        return "unknown or expired state (forged, replayed, opened twice, or the session expired)"
    if request.GET.get("error"):
        return f"the provider answered error={request.GET['error']!r} ({request.GET.get('error_description', '')})"
    return f"failed ({error})"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        "no_password": gettext_lazy(
            "This is your only way to sign in, so it cannot be removed yet. Set a password first "
            "(on your account page), or connect another account; then you can remove this one."
        ),
    }

    def pre_social_login(self, request, sociallogin):
        """A sign-in from a provider not yet connected, with the e-mail of an existing account.

        allauth has already signed into that account if the provider is trusted for e-mail and
        says the address is verified (its lookup runs first). Otherwise we stop here: no account
        is made, and the member is told to sign in as usual and connect the provider.
        """
        if sociallogin.state.get("process") == "connect":
            self._check_address_verified_to_connect(request)
            self._check_fresh_sign_in_to_connect(request)
            return
        if sociallogin.is_existing:
            return
        emails = {address.email.lower() for address in sociallogin.email_addresses if address.email}
        if sociallogin.user.email:
            emails.add(sociallogin.user.email.lower())
        if emails and User.objects.alias(email_lower=Lower("email")).filter(email_lower__in=emails).exists():
            context = {"provider": sociallogin.provider.name}
            raise ImmediateHttpResponse(render(request, "socialaccount/email_in_use.html", context, status=409))

    def can_authenticate_by_email(self, login, email):
        if not super().can_authenticate_by_email(login, email):
            return False
        staff = [user for user in filter_users_by_email(email) if not may_sign_in_by_email(user)]
        if staff:
            logger.warning(
                "Social sign-in with %s: e-mail trust refused for staff account %s", login.provider.sub_id, staff[0].pk
            )
            return False
        return True

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """Log the reason for the operator; a provider that does not answer gets the 502 page."""
        extra_context = extra_context if extra_context is not None else {}
        reason = failure_reason(request, error, exception, extra_context)
        log = logger.info if error == AuthError.CANCELLED else logger.warning
        log("Social sign-in with %s failed: %s", getattr(provider, "sub_id", provider), reason)
        extra_context["refused"] = isinstance(exception, IdTokenRefused)
        if isinstance(exception, requests.RequestException):
            raise ImmediateHttpResponse(provider_failed_page(request, "unreachable"))
        super().on_authentication_error(request, provider, error, exception, extra_context)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """A provider connected to an account is one more way in: always tell the owner, and only
        once the connection is committed (never from inside the transaction)."""
        if template_prefix != "socialaccount/email/account_connected":
            return super().send_notification_mail(template_prefix, user, context, email)
        account_adapter = get_account_adapter()
        address = email or EmailAddress.objects.get_primary_email(user) or user.email
        if not address:
            return None
        request = account_adapter.request
        mail_context = {
            "timestamp": timezone.now(),
            "ip": account_adapter.get_client_ip(request),
            "user_agent": account_adapter.get_http_user_agent(request)[:200],
            **(context or {}),
        }

        def send():
            with allauth_context.request_context(request):
                account_adapter.send_mail(template_prefix, address, mail_context)

        transaction.on_commit(send)
        return None

    def _check_address_verified_to_connect(self, request):
        """Only the proven owner of the account's address may add a way in: otherwise someone who
        signed up with another person's address could connect their own provider before the owner
        arrives, and keep it after the owner resets the password (pre-account takeover)."""
        if selectors.member_address_verified(user=request.user):
            return
        messages.error(
            request,
            _(
                "Confirm your e-mail address before you connect another account: open the link we sent you, "
                "or send it again from your e-mail page."
            ),
        )
        raise ImmediateHttpResponse(redirect("socialaccount_connections"))

    def _check_fresh_sign_in_to_connect(self, request):
        """A connection is one more way in: allauth asks members with a password for it first, and
        members without one sign in through a provider they have again first."""
        if not reauthentication.needs_provider_sign_in(request):
            return
        context = {
            "providers": reauthentication.sign_in_providers(request),
            "heading": _("Connect an account"),
            "next_url": reverse("socialaccount_connections"),
        }
        raise ImmediateHttpResponse(render(request, "members/sign_in_again.html", context, status=403))

    def populate_user(self, request, sociallogin, data):
        """A new member from a provider starts with the provider's name and picture; not a name that
        passes for staff, nor one that is an e-mail address (many providers put the address there),
        which would make the private address public."""
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        name = tidy_display_name(name)[:DISPLAY_NAME_MAX].rstrip()
        taken = "@" not in name and can_use_display_name(user=None, name=name)
        user.display_name = name if taken else ""
        avatar = sociallogin.account.get_avatar_url() or ""
        user.avatar_url = avatar if avatar.startswith("https://") and len(avatar) <= 500 else ""
        return user
