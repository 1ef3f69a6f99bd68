"""API URLs of one's own account and tokens, included under /api/v1/ by config/urls.py."""

from django.urls import path

from accounts.api import ExportView, MemberSuggestView, MeView, TokenView

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", ExportView.as_view(), name="me-export"),
    path("members/suggest/", MemberSuggestView.as_view(), name="member-suggest"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
]
