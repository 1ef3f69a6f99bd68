"""App configuration for community: its points rules listen to what the apps below report; its part of a
member's data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from community import points, selectors
        from core.member_data import register_member_data

        points.register()
        # The ledger, badges and shares go with the member's account (their rows cascade); lines others
        # earned by the member's actions keep their points but forget who brought them.
        register_member_data("community", export=selectors.community_export)
        self.ready_badges()

    def ready_badges(self) -> None:
        """Badges: the happenings that earn no points but may earn a badge, and every day the month
        before's top contributors (once: a daily run is how a calendar month is kept)."""
        from datetime import timedelta

        from community import badges
        from core.schedule import register_periodic

        badges.register()
        register_periodic("community.monthly_badges", badges.monthly_badges, every=timedelta(days=1))
