"""allauth adapters: a social sign-in fills the profile from what the provider says, never slips
into an existing account by e-mail unless the provider is trusted for it, and connects a provider
to a password-less account only after a fresh sign-in."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import reauthentication
from accounts.models import DISPLAY_NAME_MAX, User, tidy_display_name
from accounts.permissions import can_use_display_name


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        """A sign-in from a provider not yet connected, with the e-mail of an existing account.

        allauth has already signed into that account if the provider is trusted for e-mail and
        says the address is verified (its lookup runs first). Otherwise we stop here: no account
        is made, and the member is told to sign in as usual and connect the provider.
        """
        if sociallogin.state.get("process") == "connect":
            self._check_fresh_sign_in_to_connect(request)
            return
        if sociallogin.is_existing:
            return
        emails = {address.email.lower() for address in sociallogin.email_addresses if address.email}
        if sociallogin.user.email:
            emails.add(sociallogin.user.email.lower())
        if emails and User.objects.filter(email__in=emails).exists():
            context = {"provider": sociallogin.provider.name}
            raise ImmediateHttpResponse(render(request, "socialaccount/email_in_use.html", context, status=409))

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
        """A new member from a provider starts with the provider's name (unless it passes for staff) and picture."""
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        name = tidy_display_name(name)[:DISPLAY_NAME_MAX].rstrip()
        user.display_name = name if can_use_display_name(user=None, name=name) else ""
        avatar = sociallogin.account.get_avatar_url() or ""
        user.avatar_url = avatar if avatar.startswith("https://") and len(avatar) <= 500 else ""
        return user
