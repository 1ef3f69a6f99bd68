"""API URLs of voting, included under /api/v1/ by config/urls.py."""

from django.urls import path

from voting.api import VoteView

urlpatterns = [path("ideas/<int:pk>/vote/", VoteView.as_view(), name="idea-vote")]
