"""Admin for categories, tags and ideas."""

from django.contrib import admin

from ideas.models import Category, Idea, Tag


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
    list_display = ["title", "author", "category", "status", "score", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["title"]
    raw_id_fields = ["author"]
    list_select_related = ["author", "category__parent"]
    # Content changes go through the services (they render and validate); the admin only reads them.
    readonly_fields = [
        "title",
        "body",
        "author",
        "upvotes",
        "downvotes",
        "score",
        "comment_count",
        "follower_count",
        "deleted_at",
    ]
