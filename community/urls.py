"""API URLs of community, included under /api/v1/ by config/urls.py."""

from django.urls import path

from community.api import IdeaSharesView, InsightsView, LeaderboardView, MemberView, MyPointsView

urlpatterns = [
    path("ideas/<int:pk>/shares/", IdeaSharesView.as_view(), name="idea-shares"),
    path("leaderboard/", LeaderboardView.as_view(), name="leaderboard"),
    path("members/<int:pk>/", MemberView.as_view(), name="member"),
    path("me/points/", MyPointsView.as_view(), name="me-points"),
    path("insights/", InsightsView.as_view(), name="insights"),
]
