"""App configuration for core."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from datetime import timedelta

        from core.schedule import prune_finished_tasks, register_periodic, requeue_abandoned

        register_periodic("core.prune_finished_tasks", prune_finished_tasks, every=timedelta(days=1))
        register_periodic("core.requeue_abandoned", requeue_abandoned, every=timedelta(minutes=5))
