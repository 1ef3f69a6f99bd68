"""allauth's account adapter: every password allauth sets (change, reset, first password) goes through
the password service, so the member's API tokens are revoked and their other sessions end."""

from allauth.account.adapter import DefaultAccountAdapter

from accounts.services import password_change


class AccountAdapter(DefaultAccountAdapter):
    def set_password(self, user, password: str) -> None:
        password_change(user=user, password=password)
