"""allauth's account adapter: every password allauth sets (change, reset, first password) goes through
the password service, so the member's API tokens are revoked and their other sessions end; and a banned
member signing in, by password or through a provider, is told why they cannot."""

from allauth.account.adapter import DefaultAccountAdapter
from django.shortcuts import render

from accounts.permissions import Banned
from accounts.services import password_change


class AccountAdapter(DefaultAccountAdapter):
    def set_password(self, user, password: str) -> None:
        password_change(user=user, password=password)

    def respond_user_inactive(self, request, user):
        """allauth's inactive-account page, but with the ban's reason, and as the 403 it is (allauth
        redirects to a page that no longer knows who tried)."""
        refusal = Banned(user).message if user.is_banned else ""
        return render(request, "account/account_inactive.html", {"refusal": refusal}, status=403)
