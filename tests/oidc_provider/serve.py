"""Start the test identity provider on 127.0.0.1:PORT with one member and one client.

Usage: python -m tests.oidc_provider.serve PORT CONFIG_JSON
CONFIG_JSON: {"client_id", "secret", "redirect_uri", "users": [{"username", "email", "password", "name", "verified"}]}
A user without "email" has no address at the provider, so the provider sends none.
"""

import json
import os
import sys


def main() -> None:
    port, config = sys.argv[1], json.loads(sys.argv[2])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.idp.oidc.models import Client
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for entry in config["users"]:
        first, _, last = entry.get("name", "").partition(" ")
        email = entry.get("email", "")
        user = get_user_model().objects.create_user(
            username=entry.get("username") or email.split("@")[0], email=email, password=entry["password"],
            first_name=first, last_name=last,
        )  # fmt: skip
        if email:
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=entry.get("verified", True))
    client = Client(id=config["client_id"], name="Idea Forum")
    client.set_secret(config["secret"])
    client.set_redirect_uris([config["redirect_uri"]])
    client.set_scopes(["openid", "profile", "email"])
    client.set_response_types(["code"])
    client.set_grant_types([Client.GrantType.AUTHORIZATION_CODE])
    client.save()
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True, verbosity=0)


if __name__ == "__main__":
    main()
