"""Ideas moved before the pipeline kept a record get a date for their last move, in one UPDATE (a row
updated twice in one transaction leaves PostgreSQL with trigger events that block the indexes of the
next migration, so that schema change waits for its own)."""

from django.db import migrations
from django.db.models import Case, F, Value, When


def date_earlier_moves(apps, schema_editor):
    """Their last move is their last update. A merged idea without a target to point to is shown as
    Not planned."""
    Idea = apps.get_model("ideas", "Idea")
    Idea.objects.exclude(status="new").update(
        status_changed_at=F("updated_at"),
        status=Case(When(status="merged", then=Value("declined")), default=F("status")),
    )


class Migration(migrations.Migration):
    dependencies = [("ideas", "0005_status_changed_and_merged_into")]

    operations = [migrations.RunPython(date_earlier_moves, migrations.RunPython.noop)]
