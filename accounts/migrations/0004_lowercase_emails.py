"""Lower-case every stored e-mail address: allauth looks addresses up in lower case, so an account
stored as "Boss@example.com" (Django lowercased only the domain) was missed, and signing up or in
with its address failed on the case-insensitive unique constraint. Two addresses of one member that
differ only in case become one (verified or primary if either was)."""

from django.db import migrations
from django.db.models.functions import Lower


def lowercase_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email=Lower("email")).only("email"):
        user.email = user.email.lower()
        user.save(update_fields=["email"])
    for address in EmailAddress.objects.exclude(email=Lower("email")).order_by("pk"):
        lower = address.email.lower()
        twin = EmailAddress.objects.filter(user_id=address.user_id, email=lower).first()
        if twin is None:
            address.email = lower
            address.save(update_fields=["email"])
            continue
        twin.verified = twin.verified or address.verified
        twin.primary = twin.primary or address.primary
        address.delete()
        twin.save(update_fields=["verified", "primary"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_profile"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
