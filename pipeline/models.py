"""The pipeline's records: every status change of an idea (its public timeline) and the staff's internal notes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ideas.models import Idea, Status

NOTE_MAX = 5000


class StatusChange(models.Model):
    """One move of an idea through the pipeline: who, from what, to what, when and why (in public)."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    note_html = models.TextField(editable=False, blank=True)
    # A merge: the idea it went into, and how many votes and followers moved there with it.
    merged_into = models.ForeignKey(
        Idea, verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moved_votes = models.PositiveIntegerField(_("votes moved"), default=0)
    moved_followers = models.PositiveIntegerField(_("followers moved"), default=0)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["idea", "created_at", "id"], name="pipeline_change_timeline")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")), name="pipeline_change_moves"
            ),
            models.CheckConstraint(
                condition=models.Q(to_status=Status.MERGED, merged_into__isnull=False)
                | (~models.Q(to_status=Status.MERGED) & models.Q(merged_into__isnull=True)),
                name="pipeline_change_merge_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"

    @property
    def anchor(self) -> str:
        return f"status-{self.pk}"


class InternalNote(models.Model):
    """A note on an idea that only staff (product team, moderators, admins) ever see."""

    idea = models.ForeignKey(Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"), max_length=NOTE_MAX)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        indexes = [models.Index(fields=["idea", "created_at", "id"], name="pipeline_note_idea")]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.idea_id}"
