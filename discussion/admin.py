"""Admin for comments: read here, deleted through the comment service (placeholder, counts, audit entry)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from discussion.models import Comment, CommentRevision
from discussion.permissions import can_delete_comment
from discussion.services import comment_delete
from ideas.models import Idea

ADMIN_REASON = _("Deleted in the admin.")


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    fields = ["created_at", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "idea", "author", "depth", "created_at", "edited_at", "deleted_at", "official_at"]
    list_select_related = ["idea", "author"]
    search_fields = ["body"]
    fields = [
        "idea", "author", "parent", "reply_to", "depth", "body", "created_at", "edited_at", "deleted_at",
        "official_at", "official_by",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False  # comments are written by members, through the service that renders and announces them

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """The site's rule (discussion.permissions), on top of the admin's own permission."""
        if not super().has_delete_permission(request, obj) or not request.user.is_staff_member:
            return False
        return obj is None or (not obj.is_deleted and bool(can_delete_comment(user=request.user, comment=obj)))

    def delete_model(self, request, obj):
        """A soft delete with its live event and audit entry, as on the site."""
        try:
            comment_delete(actor=request.user, comment=obj, reason=str(ADMIN_REASON))
        except (DomainError, Comment.DoesNotExist, Idea.DoesNotExist) as error:
            message = error.message if isinstance(error, DomainError) else _("This comment was already deleted.")
            self.message_user(request, f"{obj}: {message}", messages.ERROR)

    def delete_queryset(self, request, queryset):
        for comment in queryset.filter(deleted_at__isnull=True):
            self.delete_model(request, comment)
