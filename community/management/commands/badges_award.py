"""manage.py badges_award --all | --member ID ...: award the badges earned now, without the worker."""

from django.core.management.base import BaseCommand, CommandError

from community.badges import badges_award_all, badges_award_now


class Command(BaseCommand):
    help = (
        "Award the badges members have earned and not yet received: everyone's (with every past month's top "
        "contributors) with --all, or those of the members named with --member."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", dest="everyone", action="store_true", help="Every active member, and every past month."
        )
        parser.add_argument("--member", type=int, action="append", default=[], help="A member's id (repeatable).")

    def handle(self, *args, everyone, member, **options):
        if everyone == bool(member):
            raise CommandError("Give --all or at least one --member ID.")
        awards = badges_award_all() if everyone else [a for pk in member for a in badges_award_now(member_id=pk)]
        self.stdout.write(self.style.SUCCESS(f"{len(awards)} badges awarded."))
