"""Fixtures of the accounts tests: an environment without providers, and panva's OpenID Connect provider."""

import json
import subprocess

import pytest

from config.social import social_providers
from tests.accounts.providers import LOOPBACK, NODE_SECRET, NODE_USER
from tests.net import free_port, wait_for_port
from tests.oidc_node import node_provider_command


@pytest.fixture
def clean_env(monkeypatch):
    for prefix in ["GOOGLE", "FACEBOOK", "GITHUB", "MICROSOFT", "LINKEDIN"]:
        for suffix in ["CLIENT_ID", "CLIENT_SECRET", "TRUST_EMAIL"]:
            monkeypatch.delenv(f"{prefix}_{suffix}", raising=False)
    monkeypatch.delenv("OIDC_PROVIDERS", raising=False)
    return monkeypatch


@pytest.fixture
def node(settings, clean_env, tmp_path):
    """Start panva's provider in the given mode, the forum configured with `secret`; returns its URL."""
    processes = []

    def start(mode="normal", secret=NODE_SECRET, user=NODE_USER, trust_email=False):
        port = free_port()
        config = {
            "client_id": "idea-forum",
            "secret": NODE_SECRET,
            "redirect_uri": f"http://testserver/accounts/oidc/{LOOPBACK['id']}/login/callback/",
            "users": [user],
        }
        command, env = node_provider_command(port, config, mode)
        log = tmp_path / "node.log"
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=open(log, "w"))  # noqa: SIM115
        processes.append(process)
        wait_for_port(port, process, log=log)
        url = f"http://127.0.0.1:{port}"
        entry = {**LOOPBACK, "server_url": url, "client_id": "idea-forum", "secret": secret, "trust_email": trust_email}
        clean_env.setenv("OIDC_PROVIDERS", json.dumps([entry]))
        settings.SOCIALACCOUNT_PROVIDERS = social_providers()
        return url, process

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
