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

        # Share links: an upvote that follows a shared link earns its sharer; yesterday's visitor salts go.
        from datetime import timedelta

        from community import shares
        from core.happenings import Happening, listen
        from core.schedule import register_periodic

        listen(Happening.VOTE_CHANGED, shares.vote_changed)
        register_periodic("community.prune_salts", shares.prune_salts, every=timedelta(days=1))
