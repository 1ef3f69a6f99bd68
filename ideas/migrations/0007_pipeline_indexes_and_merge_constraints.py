from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ideas", "0006_date_earlier_moves")]

    operations = [
        migrations.AddIndex(
            model_name="idea",
            index=models.Index(fields=["status", "-status_changed_at", "-id"], name="ideas_idea_status_moved"),
        ),
        migrations.AddIndex(
            model_name="idea",
            index=models.Index(fields=["status", "-score", "-id"], name="ideas_idea_status_score"),
        ),
        migrations.AddConstraint(
            model_name="idea",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("merged_into__isnull", False), ("status", "merged")),
                    models.Q(models.Q(("status", "merged"), _negated=True), ("merged_into__isnull", True)),
                    _connector="OR",
                ),
                name="ideas_idea_merged_has_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="idea",
            constraint=models.CheckConstraint(
                condition=models.Q(("merged_into", models.F("id")), _negated=True),
                name="ideas_idea_not_merged_into_itself",
            ),
        ),
    ]
