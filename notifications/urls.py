"""API URLs of notifications, included under /api/v1/ by config/urls.py."""

from django.urls import path

from notifications.api import NotificationListView, NotificationReadView, NotificationSettingsView

urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", NotificationReadView.as_view(), name="notification-read"),
    path("me/notification-settings/", NotificationSettingsView.as_view(), name="notification-settings"),
]
