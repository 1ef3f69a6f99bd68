"""URLs: each app's own, included. The API lives under /api/v1/ in the namespace "api"."""

from django.contrib import admin
from django.urls import include, path

api_urls = [
    path("", include("community.urls")),
    path("", include("moderation.urls")),
    path("", include("pipeline.urls")),
    path("", include("ideas.urls")),
    path("", include("voting.urls")),
    path("", include("discussion.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("core.urls")),
]

urlpatterns = [
    path("api/v1/", include((api_urls, "api"))),
    path("accounts/", include("frontend.account_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("frontend.urls")),
]

handler400 = "frontend.views.errors.bad_request"
handler403 = "frontend.views.errors.permission_denied"
handler404 = "frontend.views.errors.not_found"
handler500 = "frontend.views.errors.server_error"
