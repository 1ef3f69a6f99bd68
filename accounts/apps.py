"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import selectors
        from core.member_data import register_member_data

        # The member's own records go with the User row itself (account_delete), so no eraser here.
        register_member_data("profile", export=selectors.profile_export)
        register_member_data("email_addresses", export=selectors.email_addresses_export)
        register_member_data("connections", export=selectors.connections_export)
