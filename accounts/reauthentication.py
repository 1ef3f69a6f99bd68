"""A fresh sign-in before a grave step, for members who sign in only through providers.

allauth asks a member with a password for it again, but lets a member without one through (it
cannot reauthenticate at a provider). Here such a member must have signed in through one of their
providers, in this session, within ACCOUNT_REAUTHENTICATION_TIMEOUT; the page and the API both ask.
"""

import time

from allauth.account import app_settings as allauth_settings
from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.adapter import get_adapter

from accounts import selectors


def needs_provider_sign_in(request) -> bool:
    """True for a signed-in member without a password and no recent provider sign-in here."""
    user = request.user
    if user.has_usable_password():
        return False
    records = get_authentication_records(request, user)
    latest = max((r["at"] for r in records if r.get("method") == "socialaccount"), default=0)
    return time.time() - latest > allauth_settings.REAUTHENTICATION_TIMEOUT


def sign_in_providers(request) -> list:
    """The member's connected providers that are still configured, to sign in again with."""
    connected = set(selectors.member_connections(user=request.user).values_list("provider", flat=True))
    providers = {p.sub_id: p for p in get_adapter().list_providers(request) if p.sub_id in connected}
    return list(providers.values())
