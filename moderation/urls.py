"""API URLs of moderation, included under /api/v1/ by config/urls.py."""

from django.urls import path

from moderation.api import AlertAcknowledgeView, AlertListView

urlpatterns = [
    # Early warning.
    path("moderation/alerts/", AlertListView.as_view(), name="moderation-alerts"),
    path(
        "moderation/alerts/<int:pk>/acknowledge/", AlertAcknowledgeView.as_view(), name="moderation-alert-acknowledge"
    ),
]
