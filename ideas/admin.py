"""Admin for categories, tags and ideas. Ideas are read here and deleted through the idea service:
content, status, counts and sort keys change only through the services (and, later, the pipeline)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from ideas.models import Category, Idea, Tag
from ideas.permissions import can_delete
from ideas.services import idea_delete

ADMIN_REASON = _("Deleted in the admin.")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position", "is_active"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "category", "status", "score", "created_at", "deleted_at"]
    list_filter = ["status", "category"]
    search_fields = ["title"]
    list_select_related = ["author", "category__parent"]
    fields = [
        "title", "body", "author", "category", "tags", "status", "upvotes", "downvotes", "score",
        "comment_count", "follower_count", "hot", "wilson", "trending", "created_at", "edited_at", "deleted_at",
    ]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def has_add_permission(self, request):
        return False  # ideas are submitted by members, through the service that renders and announces them

    def has_change_permission(self, request, obj=None):
        return False  # a view page: saving it would write back every column read before the save

    def has_delete_permission(self, request, obj=None):
        """The site's rule (ideas.permissions), on top of the admin's own permission."""
        if not super().has_delete_permission(request, obj) or not request.user.is_staff_member:
            return False
        return obj is None or bool(can_delete(user=request.user, idea=obj))

    def delete_model(self, request, obj):
        """A soft delete with its live event and audit entry, as on the site."""
        try:
            idea_delete(idea=obj, actor=request.user, reason=str(ADMIN_REASON))
        except (DomainError, Idea.DoesNotExist) as error:
            message = error.message if isinstance(error, DomainError) else _("This idea was already deleted.")
            self.message_user(request, f"{obj}: {message}", messages.ERROR)

    def delete_queryset(self, request, queryset):
        for idea in queryset.visible():
            self.delete_model(request, idea)
