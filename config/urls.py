"""URLs: pages, accounts (allauth), the API under /api/v1/ with its schema and docs, and the admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import ExportView, MeView, TokenView
from frontend import account_views
from ideas.api import CategoryViewSet, IdeaViewSet

router = DefaultRouter()
router.register("ideas", IdeaViewSet, basename="idea")
router.register("categories", CategoryViewSet, basename="category")

api_urls = [
    path("", include(router.urls)),
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", ExportView.as_view(), name="me-export"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

urlpatterns = [
    path("api/v1/", include((api_urls, "api"))),
    # Before allauth's own: a first password needs a fresh provider sign-in (frontend/account_views.py).
    path("accounts/password/set/", account_views.password_set, name="account_set_password"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("frontend.urls")),
]
