"""record(): the one way to write the audit trail, called by services inside their transaction."""

from django.db import models, transaction

from core.models import AuditEntry


def record(*, actor, verb: str, target: models.Model | None = None, reason: str = "", data: dict | None = None):
    """Write who did `verb` to `target` and why; it commits or rolls back with the action itself."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record belongs inside the service's transaction.")
    return AuditEntry.objects.create(
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
    )
