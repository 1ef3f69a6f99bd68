"""allauth adapters: a social sign-in fills the profile from what the provider says."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """A new member from a provider starts with the provider's name and picture."""
        user = super().populate_user(request, sociallogin, data)
        name = (data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))).strip()
        user.display_name = name[:60]
        avatar = sociallogin.account.get_avatar_url() or ""
        user.avatar_url = avatar if avatar.startswith("https://") and len(avatar) <= 500 else ""
        return user
