"""The environment helper reads settings strictly: a bad value stops start-up with a clear message."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_json, env_list, env_str


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
