"""The sign-in providers of the accounts tests: the loopback entry, panva's provider on Node (tests/oidc_node)
and a sign-in through it driven over HTTP without a browser; its fixtures are in tests/accounts/conftest.py."""

import re
from urllib.parse import urljoin, urlsplit

import requests

LOOPBACK = {
    "id": "loopback",
    "name": "Loopback ID",
    "server_url": "http://127.0.0.1:9/",
    "client_id": "a",
    "secret": "b",
}

NODE_SECRET = "provider-secret-for-tests"
NODE_USER = {"email": "nina@example.com", "password": "nina-pw", "name": "Nina Nordmann", "verified": True}


def through_the_provider(client, provider_url, process="login", email=NODE_USER["email"]):
    """Start a sign-in (or, with process="connect", a connection) on the forum, sign in and consent at
    the provider over HTTP; returns the callback URL (path and query) the provider sends the browser back to."""
    session = requests.Session()

    def follow(response):
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(provider_url):
                return location
            response = session.get(location, allow_redirects=False)
        return response

    start = client.post(f"/accounts/oidc/{LOOPBACK['id']}/login/", {"process": process})
    login_page = follow(session.get(start["Location"]))
    action = re.search(r'action="(/interaction/[\w-]+/login)"', login_page.text)[1]
    form = {"login": email, "password": NODE_USER["password"]}
    consent = follow(session.post(provider_url + action, data=form, allow_redirects=False))
    if not isinstance(consent, str):  # a provider that has the consent already skips the page
        action = re.search(r'action="(/interaction/[\w-]+/confirm)"', consent.text)[1]
        consent = follow(session.post(provider_url + action, allow_redirects=False))
    callback = urlsplit(consent)
    return f"{callback.path}?{callback.query}"
