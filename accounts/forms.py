"""Sign-up asks for a display name beside allauth's e-mail and password."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import DISPLAY_NAME_MAX


class SignupForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        required=False,
        help_text=_("Shown next to your ideas. Leave empty to use the first part of your e-mail."),
    )

    def signup(self, request, user):
        """A name typed here wins; left empty, a name from a sign-in provider stays."""
        from accounts.services import profile_update

        name = self.cleaned_data["display_name"]
        if name.strip():
            profile_update(actor=user, display_name=name, bio=user.bio)
