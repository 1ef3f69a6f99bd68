"""API URLs of ideas and categories, included under /api/v1/ by config/urls.py."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from ideas.api import CategoryViewSet, FollowView, IdeaViewSet

# Path converters, so that an id that is not a number is the router's 404; one address per
# resource, without a ".json" twin (JSON is the default), as the schema lists them.
router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False
router.register("ideas", IdeaViewSet, basename="idea")
router.register("categories", CategoryViewSet, basename="category")

urlpatterns = [path("ideas/<int:pk>/follow/", FollowView.as_view(), name="idea-follow"), *router.urls]
