"""`manage.py worker`: django-tasks' database worker that also keeps the periodic schedule, runs again
the tasks a killed worker left running, and relays its live events to the web process when the channel
layer is the in-memory one (the embedded default)."""

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from core.live import relay_through_database
from core.schedule import keep_schedule, requeue_abandoned


class Command(DatabaseWorker):
    help = (
        "Run background tasks (notifications, e-mail, digests) and keep the periodic schedule. Run several "
        "for more throughput: each claims its own tasks."
    )

    def handle(self, *args, **options):
        relay_through_database()
        requeue_abandoned(due=timezone.now())
        keep_schedule()
        super().handle(*args, **options)
