"""Security headers on every page, and the production settings: `check --deploy` has nothing to say, a
weak SECRET_KEY stops start-up, plain http is redirected behind the proxy, HSTS as configured."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k3Yq9-" + "vT7pLm2xWc8nR4bZ" * 3  # 54 characters, many different ones


def run_with_prod_settings(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python with config.settings.prod in a fresh process whose environment holds only what is given."""
    clean = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "ALLOWED_HOSTS": "forum.example.com",
        "SECRET_KEY": GOOD_KEY,
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def test_csp_lets_forms_post_only_to_this_site(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy


def form_action(response) -> str:
    directives = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return directives["form-action"]


def test_the_page_that_sends_a_member_to_a_provider_may_post_there(client, db, monkeypatch, settings):
    from config.social import social_providers

    monkeypatch.setenv("GITHUB_CLIENT_ID", "gh")
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "gh-secret")
    provider = {"id": "corp", "name": "Corp ID", "server_url": "https://id.corp.example:8443/realms/x/"}
    monkeypatch.setenv("OIDC_PROVIDERS", json.dumps([{**provider, "client_id": "c", "secret": "s"}]))
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    assert form_action(client.get("/accounts/github/login/")) == "'self' https://github.com"
    assert form_action(client.get("/accounts/oidc/corp/login/")) == "'self' https://id.corp.example:8443"
    assert form_action(client.get("/accounts/login/")) == "'self'"
    assert client.get("/accounts/oidc/nobody/login/").status_code == 404


def test_permissions_policy_denies_the_features_no_page_uses(client, db):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "display-capture"]:
        assert f"{feature}=()" in policy.split(", ")


def test_prod_settings_pass_check_deploy_without_a_warning(tmp_path):
    result = run_with_prod_settings(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("key", ["short-secret", "a" * 60])
def test_a_weak_secret_key_stops_prod_start_up_with_a_message(tmp_path, key):
    result = run_with_prod_settings(tmp_path, "manage.py", "check", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters in production" in result.stderr
    assert "get_random_secret_key" in result.stderr


REQUEST = """
import django
django.setup()
from django.test import Client, override_settings
# Production collects static files first; this process finds them where they are instead.
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
client = Client(HTTP_HOST="forum.example.com")
plain = client.get("/no-such-page/")
print(plain.status_code, plain.get("Location", "-"))
secure = client.get("/no-such-page/", HTTP_X_FORWARDED_PROTO="https")
print(secure.status_code, secure.get("Strict-Transport-Security", "-"))
"""


def prod_request(tmp_path: Path, **env: str) -> list[str]:
    """A plain http request and one the proxy marks https, each as "status header"."""
    result = run_with_prod_settings(tmp_path, "-c", REQUEST, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_prod_redirects_plain_http_and_sends_hsts_behind_the_proxy(tmp_path):
    assert prod_request(tmp_path) == [
        "301 https://forum.example.com/no-such-page/",
        "404 max-age=31536000; includeSubDomains; preload",
    ]


def test_hsts_and_the_redirect_are_settings(tmp_path):
    env = {"SECURE_HSTS_SECONDS": "600", "SECURE_HSTS_PRELOAD": "false", "SECURE_SSL_REDIRECT": "false"}
    assert prod_request(tmp_path, **env) == ["404 -", "404 max-age=600; includeSubDomains"]
