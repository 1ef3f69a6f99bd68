"""The environment helper reads settings strictly: a bad value stops start-up with a clear message;
the run command's settings (config.settings.dev) show debug pages only when asked."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import counts, env_bool, env_database, env_float, env_int, env_json, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent


def test_required_string_must_be_set(monkeypatch):
    monkeypatch.delenv("SOMETHING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOMETHING"):
        env_str("SOMETHING")


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("1", True), ("off", False), ("", False)])
def test_booleans(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not value) is value


def test_bad_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)


def test_bad_integer_is_refused(monkeypatch):
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        env_int("NUMBER", 1)


@pytest.mark.parametrize("raw", ["-1", "24"])
def test_an_integer_out_of_its_bounds_is_refused(monkeypatch, raw):
    monkeypatch.setenv("DIGEST_HOUR", raw)
    with pytest.raises(ImproperlyConfigured, match="DIGEST_HOUR must be from 0 to 23"):
        env_int("DIGEST_HOUR", 8, minimum=0, maximum=23)


def test_an_integer_at_its_bounds_is_taken(monkeypatch):
    monkeypatch.setenv("DIGEST_WEEKDAY", "6")
    assert env_int("DIGEST_WEEKDAY", 0, minimum=0, maximum=6) == 6


def test_lists(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_json_is_parsed(monkeypatch):
    monkeypatch.setenv("PROVIDERS", '[{"id": "a"}]')
    assert env_json("PROVIDERS", []) == [{"id": "a"}]


@pytest.mark.parametrize("raw", [None, "", "  \n"])
def test_unset_or_blank_json_gives_the_default(monkeypatch, raw):
    monkeypatch.delenv("PROVIDERS", raising=False)
    if raw is not None:
        monkeypatch.setenv("PROVIDERS", raw)
    assert env_json("PROVIDERS", ["default"]) == ["default"]


@pytest.mark.parametrize("raw", ["not json", "[1,", "{'single': 'quotes'}"])
def test_bad_json_is_refused_with_the_variables_name(monkeypatch, raw):
    monkeypatch.setenv("PROVIDERS", raw)
    with pytest.raises(ImproperlyConfigured, match="PROVIDERS is not valid JSON"):
        env_json("PROVIDERS", [])


def test_sqlite_url_gets_wal_immediate_and_timeout(monkeypatch, tmp_path):
    monkeypatch.setenv("DB", f"sqlite:///{tmp_path}/sub/forum.sqlite3")
    config = env_database("DB", "sqlite:///:memory:")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and config["OPTIONS"]["timeout"] > 0
    assert (tmp_path / "sub").is_dir()


def test_postgres_url(monkeypatch):
    monkeypatch.setenv("DB", "postgres://forum:secret@127.0.0.1:5433/forum")
    config = env_database("DB", "sqlite:///:memory:")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("127.0.0.1", 5433, "forum", "forum")


def test_unknown_database_scheme_is_refused(monkeypatch):
    monkeypatch.setenv("DB", "mysql://x@y/z")
    with pytest.raises(ImproperlyConfigured, match="DB"):
        env_database("DB", "sqlite:///:memory:")


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


# A request with the run command's settings, in a process of its own: settings are read once per process.
REQUEST = """
import sys
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

path, migrate = sys.argv[1], sys.argv[2] == "migrate"
if migrate:
    call_command("migrate", verbosity=0)
# make run collects static files before it starts; this process finds them where they are instead.
storages = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
with override_settings(STORAGES=storages):
    response = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1").get(path)
print(response.status_code)
print(response.content.decode())
"""


def run_with_dev_settings(tmp_path: Path, script: str, *args: str, **env: str) -> str:
    """Run a script with config.settings.dev in a fresh process whose environment holds nothing else."""
    clean = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path}/dev.sqlite3",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def dev_request(tmp_path: Path, path: str, *, migrate: bool, **env: str) -> tuple[int, str]:
    """GET a path with the run command's settings; returns the status and the page."""
    output = run_with_dev_settings(tmp_path, REQUEST, path, "migrate" if migrate else "", **env)
    status, page = output.split("\n", 1)
    return int(status), page


def test_run_command_settings_have_debug_off(tmp_path):
    assert run_with_dev_settings(tmp_path, "import config.settings.dev as s; print(s.DEBUG)").strip() == "False"


def test_debug_true_turns_debug_on_for_the_run_command(tmp_path):
    script = "import config.settings.dev as s; print(s.DEBUG)"
    assert run_with_dev_settings(tmp_path, script, DEBUG="true").strip() == "True"


def test_run_command_shows_the_sites_404_for_a_missing_idea(tmp_path):
    status, page = dev_request(tmp_path, "/ideas/999999/", migrate=True)
    assert status == 404
    assert "There is nothing here" in page and 'class="site-header"' in page
    assert "DEBUG = True" not in page and "frontend.views" not in page


def test_run_command_shows_the_sites_500_page(tmp_path):
    status, page = dev_request(tmp_path, "/", migrate=False)  # no tables yet: the list page fails
    assert status == 500
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page and "no such table" not in page and "DEBUG = True" not in page


def test_debug_true_shows_djangos_debug_404_page(tmp_path):
    status, page = dev_request(tmp_path, "/ideas/999999/", migrate=True, DEBUG="true")
    assert status == 404
    assert "DEBUG = True" in page and "There is nothing here" not in page


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "nan", "inf", "a lot"])
def test_a_fraction_outside_its_bounds_or_not_a_number_is_refused(monkeypatch, raw):
    monkeypatch.setenv("ALPHA", raw)
    with pytest.raises(ImproperlyConfigured, match="ALPHA"):
        env_float("ALPHA", 0.1, above=0, at_most=1)


def test_a_number_within_its_bounds_is_taken(monkeypatch):
    monkeypatch.setenv("ALPHA", "0.25")
    assert env_float("ALPHA", 0.1, above=0, at_most=1) == 0.25


@pytest.mark.parametrize(
    "raw",
    [
        '{"ideas": 3}',
        '{"ideas": 3, "comments": 10, "links": -1}',
        '{"ideas": 3, "comments": "10", "links": 2}',
        "[3, 10, 2]",
    ],
)
def test_json_of_the_wrong_shape_is_refused_saying_the_shape(monkeypatch, raw):
    monkeypatch.setenv("LIMITS", raw)
    with pytest.raises(ImproperlyConfigured, match="LIMITS must be an object of three counts"):
        env_json(
            "LIMITS", {}, valid=lambda v: counts(v, ["ideas", "comments", "links"]), shape="an object of three counts"
        )


def test_json_of_the_right_shape_is_taken(monkeypatch):
    monkeypatch.setenv("LIMITS", '{"ideas": 1, "comments": 2, "links": 0}')
    assert env_json("LIMITS", {}, valid=lambda v: counts(v, ["ideas", "comments", "links"])) == {
        "ideas": 1,
        "comments": 2,
        "links": 0,
    }


@pytest.mark.parametrize("raw", ["[]", "[0, 3]", "[1, 2.5]", '"7"'])
def test_bad_suspension_ladders_stop_the_settings_loading(raw):
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.dev"],
        cwd=ROOT,
        env={**os.environ, "SUSPENSION_DAYS": raw},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SUSPENSION_DAYS must be a JSON list of whole days" in result.stderr
