"""The audit trail in the admin: readable by staff, never added, changed or deleted there."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only services write (the audit trail, the pipeline's moves, moderation's cases): the
    admin reads them and never adds, changes or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "verb", "target_type", "target_id", "reason"]
    list_filter = ["verb", "target_type"]
    search_fields = ["verb", "target_id", "reason"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "actor", "verb", "target_type", "target_id", "reason", "data"]
    fields = readonly_fields

    def get_queryset(self, request):
        """The actor's e-mail in the same query; a member who is gone shows as their number."""
        emails = get_user_model().objects.filter(pk=OuterRef("actor_id")).values("email")[:1]
        return super().get_queryset(request).annotate(actor_email=Subquery(emails))

    @admin.display(description=_("actor"), ordering="actor_id")
    def actor(self, entry: AuditEntry) -> str:
        if entry.actor_id is None:
            return "—"
        return getattr(entry, "actor_email", None) or _("member %(id)s (deleted)") % {"id": entry.actor_id}
