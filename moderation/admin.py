"""Moderation's records in the admin: read only, since flags, cases, actions and appeals are written by the
moderation services (which check, record the audit trail, tell the author and announce); an admin acts
through the queue, never around it."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from moderation.models import Action, Appeal, Case, Flag


class FlagInline(admin.TabularInline):
    model = Flag
    fields = ["flagger", "reason", "note", "weight", "status", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["target", "kind", "status", "weight", "flag_count", "hid_content", "opened_at", "decided_by"]
    list_filter = ["status", "kind", "hid_content"]
    list_select_related = ["decided_by"]
    search_fields = ["target"]
    inlines = [FlagInline]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["target", "reason", "flagger", "weight", "status", "created_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["flagger"]
    search_fields = ["target"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["target", "action", "actor", "subject", "reason", "created_at", "undone_at"]
    list_filter = ["action", "kind"]
    list_select_related = ["actor", "subject"]
    search_fields = ["target", "reason"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["action", "member", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["action", "member"]
