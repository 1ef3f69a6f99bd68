"""App configuration for moderation: its live topic and its part of a member's data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from core.live import register_topic
        from core.member_data import register_member_data
        from moderation import events, selectors

        register_topic(events.MODERATION, events.can_watch_moderation)
        register_member_data("moderation", export=selectors.moderation_export)
