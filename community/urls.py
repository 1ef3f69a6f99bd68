"""API URLs of community, included under /api/v1/ by config/urls.py."""

from django.urls import path

from community.api import LeaderboardView, MemberView, MyPointsView

urlpatterns = [
    path("leaderboard/", LeaderboardView.as_view(), name="leaderboard"),
    path("members/<int:pk>/", MemberView.as_view(), name="member"),
    path("me/points/", MyPointsView.as_view(), name="me-points"),
]
