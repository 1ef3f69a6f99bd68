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

        # The staff dashboard's figures (community/insights.py): every 15 minutes, so the page is at most a
        # quarter of an hour behind; an incremental run redoes only the days since the last, which is quick.
        from datetime import timedelta

        from community.insights import rollup_periodic
        from core.schedule import register_periodic

        register_periodic("community.insights_rollup", rollup_periodic, every=timedelta(minutes=15))
