"""Admin views of the pipeline's records: read only, since moves and notes are written by the services
(which check the table of moves, notify and announce), on the site and through the API."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from pipeline.models import InternalNote, StatusChange


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["idea", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["to_status"]
    list_select_related = ["idea", "actor"]
    search_fields = ["idea__title"]


@admin.register(InternalNote)
class InternalNoteAdmin(ReadOnlyAdmin):
    list_display = ["idea", "author", "created_at"]
    list_select_related = ["idea", "author"]
    search_fields = ["idea__title"]
