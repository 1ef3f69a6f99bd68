"""Does the time a sign-up takes tell whether the address already has an account? Sign-ups
(POST /accounts/signup/) with new addresses and with taken ones, alternating, with Django's default
password hasher (PBKDF2, as in production): the median and spread of each.

Run: .venv/bin/python bench/signup_timing.py [--requests 20]   (a throwaway SQLite database)
"""

import argparse
import statistics
import time

from common import django_on_a_throwaway_database

django_on_a_throwaway_database()

from django.conf import global_settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from accounts.models import User  # noqa: E402

PASSWORD = "a-long-passphrase"


def sign_up(email: str) -> float:
    started = time.perf_counter()
    response = Client(HTTP_HOST="127.0.0.1").post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    count = parser.parse_args().requests
    call_command("migrate", verbosity=0)
    # No rate limits: the bench signs up from one address far more often than allauth allows.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS, ACCOUNT_RATE_LIMITS=False):
        taken = [User.objects.create_user(email=f"taken{n}@example.com").email for n in range(count)]
        sign_up("warm-up@example.com")
        times: dict[str, list[float]] = {"new address": [], "taken address": []}
        for n in range(count):
            times["new address"].append(sign_up(f"new{n}@example.com"))
            times["taken address"].append(sign_up(taken[n]))
    print(f"{count} sign-ups each, hashed with {global_settings.PASSWORD_HASHERS[0].rsplit('.', 1)[1]}")
    for name, seconds in times.items():
        ms = sorted(s * 1000 for s in seconds)
        print(f"  {name:14} median {statistics.median(ms):6.1f} ms   min {ms[0]:6.1f}   max {ms[-1]:6.1f}")


if __name__ == "__main__":
    main()
