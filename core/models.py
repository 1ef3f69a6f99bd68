"""The audit trail: one append-only row per action taken on someone else's content or on roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """Audit entries are never changed or removed."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries are never changed.")

    def delete(self):
        raise AppendOnly("Audit entries are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("Audit entries are never changed.")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise AppendOnly("Audit entries are never changed.")
        return super().bulk_create(objs, *args, **kwargs)


class AuditEntry(models.Model):
    """Who did what to which object, why, and when. The actor and the target are named by number,
    without foreign keys, so the entry outlives them unchanged (a deleted member leaves no cascade
    to rewrite history); `data` holds facts, never personal data. The database refuses updates (and,
    on PostgreSQL, deletes) with triggers, beside the checks here."""

    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True, db_index=True)
    verb = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(_("target type"), max_length=60, blank=True)
    target_id = models.CharField(_("target id"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects"
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"], name="core_audit_target")]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are never deleted.")


class LiveRelay(models.Model):
    """A live event on its way from a process that serves no sockets (the task worker) to the web
    process, when the channel layer is the in-memory one of each process (the embedded default): the
    worker writes it, each web process's hub reads what is new (core/hub.py) and sends it to its layer."""

    group = models.CharField(max_length=200)
    message = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("relayed live event")
        verbose_name_plural = _("relayed live events")

    def __str__(self) -> str:
        return self.group


class ScheduledRun(models.Model):
    """One run of a periodic job (core/schedule.py) at one due time: made with the task that runs it,
    unique, so each job runs once per due time however many workers keep the schedule."""

    name = models.CharField(max_length=100)
    due_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["name", "due_at"], name="core_scheduled_run_once")]

    def __str__(self) -> str:
        return f"{self.name} at {self.due_at}"
