"""Sign-up asks for a display name beside allauth's e-mail and password."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import DISPLAY_NAME_MAX, tidy_display_name
from accounts.permissions import can_use_display_name


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        required=False,
        help_text=_(
            "Shown next to your ideas. Left empty, you appear as “Member #” and your number until you set one "
            "on your account page; your e-mail address is never shown."
        ),
    )

    def clean_display_name(self) -> str:
        """The rules of profile_update, checked before allauth makes the account."""
        name = tidy_display_name(self.cleaned_data["display_name"])
        if name and not (verdict := can_use_display_name(user=None, name=name)):
            raise forms.ValidationError(verdict.reason, code=verdict.error.code)
        return name

    def signup(self, request, user):
        """A name typed here wins; left empty, a name from a sign-in provider stays."""
        from accounts.services import profile_update

        name = self.cleaned_data["display_name"]
        if name:
            profile_update(actor=user, display_name=name, bio=user.bio)
