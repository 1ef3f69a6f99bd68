"""App configuration for moderation: its live topic, its part of a member's data, and the hourly early warning."""

from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from core.live import register_topic
        from core.member_data import register_member_data
        from core.schedule import register_periodic
        from moderation import events, selectors, services
        from moderation.warning import early_warning

        register_topic(events.MODERATION, events.can_watch_moderation)
        register_member_data(
            "moderation",
            export=selectors.moderation_export,
            erase=lambda user: services.flags_withdraw_all(member=user),
        )
        # Every hour: the hour just ended against each series' baseline (moderation/warning.py).
        register_periodic("moderation.early_warning", early_warning, every=timedelta(hours=1))
