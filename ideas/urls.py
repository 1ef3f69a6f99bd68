"""API URLs of ideas and categories, included under /api/v1/ by config/urls.py."""

from rest_framework.routers import DefaultRouter

from ideas.api import CategoryViewSet, IdeaViewSet

router = DefaultRouter()
router.register("ideas", IdeaViewSet, basename="idea")
router.register("categories", CategoryViewSet, basename="category")

urlpatterns = router.urls
