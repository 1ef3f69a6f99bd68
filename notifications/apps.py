"""App configuration for notifications: the `user:<id>` topic, a member's notifications in their data,
and the hourly look for digests that are due."""

from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core.live import register_topic
        from core.member_data import register_member_data
        from core.schedule import register_periodic
        from notifications import events, selectors
        from notifications.digests import send_due_digests

        register_topic("user", events.can_watch_member, with_id=True)
        # Notifications and settings are the member's own rows: they go with the account (CASCADE).
        register_member_data("notifications", export=selectors.notifications_export)
        register_member_data("notification_settings", export=selectors.settings_export)
        # Every hour: whose daily or weekly digest is due now in their own time zone.
        register_periodic("notifications.digests", send_due_digests, every=timedelta(hours=1))
