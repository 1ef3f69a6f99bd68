"""Compute the staff dashboard's figures now (the worker does it every 15 minutes)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from community.insights import rollup


class Command(BaseCommand):
    help = "Recompute the staff dashboard's figures: the days since the last run, or all of them with --full."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Recompute every day, week and quarter.")
        parser.add_argument("--since", help="Recompute from this day (YYYY-MM-DD).")

    def handle(self, *args, full: bool = False, since: str | None = None, **options):
        day = None
        if since:
            try:
                day = date.fromisoformat(since)
            except ValueError:
                raise CommandError("--since takes a day as YYYY-MM-DD.") from None
        run = rollup(since=day, full=full)
        took = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(f"Figures computed in {took:.2f} s (from {run.since or 'the start'}).")
