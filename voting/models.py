"""Votes: one per member per idea, up (+1) or down (-1)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Vote(models.Model):
    class Value(models.IntegerChoices):
        UP = 1, _("Up")
        DOWN = -1, _("Down")

    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="votes")
    # PROTECT: a member's votes leave only through votes_withdraw_all (the account deletion), which
    # takes them off the counts; a cascade would leave every count too high.
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["voter", "idea"], name="voting_vote_one_per_member_and_idea"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="voting_vote_value_up_or_down"),
        ]
        indexes = [
            models.Index(fields=["idea", "value"], name="voting_vote_idea_value"),
            # The early warning's hourly count of downvotes cast or changed to down (moderation/warning.py).
            models.Index(fields=["value", "updated_at"], name="voting_vote_value_changed"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} {self.value:+d} on {self.idea_id}"
