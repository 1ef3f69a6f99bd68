"""API URLs of moderation, included under /api/v1/ by config/urls.py."""

from django.urls import path

from moderation.api import AuditLogCsvView, AuditLogView

urlpatterns = [
    # The audit log.
    path("moderation/log/", AuditLogView.as_view(), name="moderation-log"),
    path("moderation/log.csv", AuditLogCsvView.as_view(), name="moderation-log-csv"),
]
