"""Community's records in the admin: read only. The ledger is append-only and written by the points rules,
badges by the worker, shares and visits by the share services; an admin corrects nothing here by hand (a
wrong total is explained by its lines, and changing a line would make it unexplainable)."""

from django.contrib import admin

from community.models import Award, LedgerEntry, Share, Visit
from core.admin import ReadOnlyAdmin


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "member", "points", "reason", "target", "by"]
    list_filter = ["reason"]
    list_select_related = ["member", "by"]
    search_fields = ["target", "member__email", "member__display_name"]
    date_hierarchy = "created_at"


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["earned_at", "member", "badge", "period"]
    list_filter = ["badge"]
    list_select_related = ["member"]
    search_fields = ["member__email", "member__display_name"]


@admin.register(Share)
class ShareAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "idea", "sharer", "channel"]
    list_filter = ["channel"]
    list_select_related = ["idea", "sharer"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["day", "share", "member", "joined_at", "voted_at"]
    list_filter = ["day"]
    list_select_related = ["share", "member"]
