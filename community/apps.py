"""App configuration for community: its points rules listen to what the apps below report; its part of a
member's data."""

from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from community import badges, insights, points, selectors, shares
        from core.happenings import Happening, listen
        from core.member_data import register_member_data
        from core.schedule import register_periodic

        points.register()
        # An upvote that follows a shared link earns its sharer.
        listen(Happening.VOTE_CHANGED, shares.vote_changed)
        # The happenings that earn no points but may earn a badge.
        badges.register()
        # The ledger, badges and shares go with the member's account (their rows cascade); lines others
        # earned by the member's actions keep their points but forget who brought them.
        register_member_data("community", export=selectors.community_export)
        # Every day: yesterday's visitor salts go; the month before's top contributors (once: a daily run is
        # how a calendar month is kept).
        register_periodic("community.prune_salts", shares.prune_salts, every=timedelta(days=1))
        register_periodic("community.monthly_badges", badges.monthly_badges, every=timedelta(days=1))
        # The staff dashboard's figures: every 15 minutes, so the page is at most a quarter of an hour behind;
        # an incremental run redoes only the days since the last, which is quick (a full one each midnight).
        register_periodic("community.insights_rollup", insights.rollup_periodic, every=timedelta(minutes=15))
