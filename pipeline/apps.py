"""App configuration for the pipeline: the `pipeline` topic and its part of a member's data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self):
        from core.live import register_topic
        from core.member_data import register_member_data
        from pipeline import events, selectors

        register_topic(events.PIPELINE, events.can_watch_pipeline)
        # Status changes and internal notes stay after their writer's account goes (under "Deleted
        # member": the foreign key is set to null), as the comments do; the export lists them.
        register_member_data("pipeline", export=selectors.pipeline_export)
