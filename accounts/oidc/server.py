"""Where an OpenID Connect provider may live: its keys and tokens come from its address, so that
address must be https, or plain http on this machine only (tests, development). Checked for providers
from the environment at start-up (config/social.py) and for every provider, including those added in
the admin, whenever a sign-in reads the address."""

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_url_allowed(url: str) -> bool:
    """True for an https:// address, or an http:// one on 127.0.0.0/8, ::1 or localhost."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))


def server_url_refusal(label: str, url: str) -> str | None:
    """Why `url` may not be the server_url of the provider `label`, or None when it may."""
    if server_url_allowed(url):
        return None
    return (
        f"{label}: server_url {url!r} must start with https:// (plain http only for 127.0.0.1, ::1 or "
        "localhost), or its keys and tokens could be forged on the way"
    )
