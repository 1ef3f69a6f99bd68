"""App configuration for ideas."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from config.live import register_topic
        from ideas import events

        register_topic(events.ALL_IDEAS, events.can_watch_all_ideas)
        register_topic("idea", events.can_watch_idea, with_id=True)
