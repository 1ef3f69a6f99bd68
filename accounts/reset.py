"""allauth's form behind the password reset link, saving through accounts.services.password_reset
(which also removes the provider connections of an account whose address was never confirmed).
Apart from accounts/forms.py, which allauth's forms module imports (ACCOUNT_SIGNUP_FORM_CLASS)."""

from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm

from accounts.services import password_reset


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    def save(self) -> None:
        password_reset(user=self.user, password=self.cleaned_data["password1"])
