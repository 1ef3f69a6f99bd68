"""API URLs of community, included under /api/v1/ by config/urls.py."""

from django.urls import path

from community.api import InsightsView

urlpatterns = [
    # The staff dashboard's figures.
    path("insights/", InsightsView.as_view(), name="insights"),
]
