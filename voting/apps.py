"""App configuration for voting: its part of a member's data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Voting")

    def ready(self):
        from core.member_data import register_member_data
        from voting import selectors, services

        register_member_data(
            "votes",
            export=selectors.votes_export,
            erase=lambda user: services.votes_withdraw_all(member=user),
            erases=("voting.Vote",),
        )
