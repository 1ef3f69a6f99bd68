"""App configuration for discussion: its part of a member's data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = _("Discussion")

    def ready(self):
        from core.member_data import register_member_data
        from discussion import selectors, services

        # Comments stay under "Deleted member" with their text and earlier versions; the mentions of
        # the member go, so their name no longer links.
        register_member_data(
            "comments",
            export=selectors.comments_export,
            erase=lambda user: services.comments_anonymise(member=user),
            erases=("discussion.Mention",),
        )
