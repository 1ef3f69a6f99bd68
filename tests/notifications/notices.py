"""What the notification tests share: a notice about a comment, and running the queued tasks."""

from django_tasks_db.management.commands.db_worker import Worker

from notifications.models import Kind
from notifications.services import Notice


def comment_notice(member, idea, kind=Kind.COMMENT_ON_MY_IDEA, comment_id=1, actor=None):
    return Notice(
        recipient_id=member.pk,
        kind=kind,
        idea_id=idea.pk,
        actor_id=actor.pk if actor else None,
        subject=f"comment:{comment_id}",
        link=f"/ideas/{idea.pk}/#comment-{comment_id}",
        excerpt="Yes please",
    )


def run_worker() -> None:
    """Run every task that is due, as `manage.py db_worker --batch` does (its own loop and claims),
    without the signal handlers the command installs for a process of its own."""
    Worker(
        queue_names=["default"],
        interval=0.1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
