"""API URLs of moderation, included under /api/v1/ by config/urls.py."""

from django.urls import path

from moderation.api import (
    ActionsView,
    ActionView,
    AlertAcknowledgeView,
    AlertListView,
    AppealView,
    AuditLogCsvView,
    AuditLogView,
    CaseView,
    DecideView,
    FlagView,
    QueueView,
)

urlpatterns = [
    path("flags/", FlagView.as_view(), name="flags"),
    path("moderation/queue/", QueueView.as_view(), name="moderation-queue"),
    path("moderation/queue/<int:pk>/", CaseView.as_view(), name="moderation-case"),
    path("moderation/queue/<int:pk>/decide/", DecideView.as_view(), name="moderation-decide"),
    path("appeals/", AppealView.as_view(), name="appeals"),
    path("moderation/actions/", ActionsView.as_view(), name="moderation-actions"),
    path("moderation/actions/<int:pk>/", ActionView.as_view(), name="moderation-action"),
    # The audit log.
    path("moderation/log/", AuditLogView.as_view(), name="moderation-log"),
    path("moderation/log.csv", AuditLogCsvView.as_view(), name="moderation-log-csv"),
    # Early warning.
    path("moderation/alerts/", AlertListView.as_view(), name="moderation-alerts"),
    path(
        "moderation/alerts/<int:pk>/acknowledge/", AlertAcknowledgeView.as_view(), name="moderation-alert-acknowledge"
    ),
]
