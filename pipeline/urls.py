"""API URLs of the pipeline, included under /api/v1/ by config/urls.py."""

from django.urls import path

from pipeline.api import (
    BulkTransitionView,
    InternalNotesView,
    MergeView,
    RoadmapView,
    TimelineView,
    TransitionView,
    TriageView,
)

urlpatterns = [
    path("ideas/<int:pk>/transition/", TransitionView.as_view(), name="idea-transition"),
    path("ideas/bulk-transition/", BulkTransitionView.as_view(), name="idea-bulk-transition"),
    path("ideas/<int:pk>/merge/", MergeView.as_view(), name="idea-merge"),
    path("ideas/<int:pk>/timeline/", TimelineView.as_view(), name="idea-timeline"),
    path("ideas/<int:pk>/internal-notes/", InternalNotesView.as_view(), name="idea-internal-notes"),
    path("roadmap/", RoadmapView.as_view(), name="roadmap"),
    path("triage/", TriageView.as_view(), name="triage"),
]
