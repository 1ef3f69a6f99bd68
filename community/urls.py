"""API URLs of community, included under /api/v1/ by config/urls.py."""

from django.urls import path

from community.api import IdeaSharesView

urlpatterns = [
    # Share links.
    path("ideas/<int:pk>/shares/", IdeaSharesView.as_view(), name="idea-shares"),
]
