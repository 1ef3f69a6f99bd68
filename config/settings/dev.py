"""Local development and the embedded demo: SQLite, in-memory channel layer, one daphne."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-not-secret-9f3c2a7e1b")
os.environ.setdefault("DEBUG", "true")

from config.settings.base import *  # noqa: F403
