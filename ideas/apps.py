"""App configuration for ideas: its live topics and its part of a member's data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Ideas")

    def ready(self):
        from core.live import register_topic
        from core.member_data import register_member_data
        from ideas import events, selectors, services

        register_topic(events.ALL_IDEAS, events.can_watch_all_ideas)
        register_topic("idea", events.can_watch_idea, with_id=True)
        # A member's ideas stay after their account goes (shown under "Deleted member"): no eraser.
        register_member_data("ideas", export=selectors.ideas_export)
        register_member_data(
            "follows",
            export=selectors.follows_export,
            erase=lambda user: services.follows_erase_all(member=user),
            erases=("ideas.Follow",),
        )
