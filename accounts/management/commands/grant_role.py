"""manage.py grant_role EMAIL moderator|product_team [--revoke]."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.services import role_grant, role_revoke

ROLES = {"moderator": Role.MODERATOR, "product_team": Role.PRODUCT_TEAM}


class Command(BaseCommand):
    help = "Grant a member a role (moderator or product_team), or take it away with --revoke."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=sorted(ROLES))
        parser.add_argument("--revoke", action="store_true", help="Take the role away instead.")

    def handle(self, *args, email, role, revoke, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No member with the e-mail {email}.")
        if revoke:
            role_revoke(actor=None, user=user, role=ROLES[role])
            self.stdout.write(self.style.SUCCESS(f"{user.email} is no longer {role}."))
        else:
            role_grant(actor=None, user=user, role=ROLES[role])
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now {role}."))
