"""API URLs of community, included under /api/v1/ by config/urls.py."""

from django.urls import path

from community.api import IdeaSharesView, InsightsView

urlpatterns = [
    # Share links.
    path("ideas/<int:pk>/shares/", IdeaSharesView.as_view(), name="idea-shares"),
    # The staff dashboard's figures.
    path("insights/", InsightsView.as_view(), name="insights"),
]
