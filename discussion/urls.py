"""API URLs of comments, included under /api/v1/ by config/urls.py."""

from django.urls import path

from discussion.api import CommentHistoryView, CommentOfficialView, CommentView, ThreadView
from discussion.preview import PreviewView

urlpatterns = [
    path("ideas/<int:pk>/comments/", ThreadView.as_view(), name="idea-comments"),
    path("comments/<int:pk>/", CommentView.as_view(), name="comment-detail"),
    path("comments/<int:pk>/history/", CommentHistoryView.as_view(), name="comment-history"),
    path("comments/<int:pk>/official/", CommentOfficialView.as_view(), name="comment-official"),
    path("preview/", PreviewView.as_view(), name="preview"),
]
