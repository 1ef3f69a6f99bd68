"""Sign-up that never tells whether an address already has an account (allauth's enumeration prevention).

allauth hides a taken address only when e-mail verification is mandatory, for signing in too; here it is
mandatory at sign-up only, so members who never confirmed their address still sign in with a password.
Every sign-up ends on the same "check your e-mail" page: a new member confirms the address from the
e-mail (and is then signed in), and the owner of a taken address gets an e-mail saying that someone
tried to sign up with it, with links to sign in and to reset the password. No account is made for them.
"""

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.utils import complete_signup, filter_users_by_email, get_next_redirect_url, perform_login
from django.contrib.auth.hashers import make_password

CONFIRM = app_settings.EmailVerificationMethod.MANDATORY


class SignupForm(AllauthSignupForm):
    def validate_unique_email(self, value: str) -> str:
        if filter_users_by_email(value):
            self.account_already_exists = True
            return get_adapter().validate_unique_email(value)
        return super().validate_unique_email(value)

    def try_save(self, request):
        if self.account_already_exists:
            # The work of a new account's password hash, so the answer takes as long as for a new address.
            make_password(self.cleaned_data["password1"])
            email = self.cleaned_data["email"]
            return None, perform_login(request, None, email_verification=CONFIRM, signup=True, email=email)
        user = self.save(request)
        return user, complete_signup(request, user, CONFIRM, get_next_redirect_url(request))
