"""The run command (make run) and local development: SQLite, in-memory channel layer, one daphne.

DEBUG is off unless asked for (DEBUG=true make run), so a missing page shows the site's own 404 and
500 pages, as visitors see them, not Django's debug pages with every URL and setting.
"""

import os

# Only a default for the one value base.py requires; a real SECRET_KEY from the environment wins.
os.environ.setdefault("SECRET_KEY", "dev-only-not-secret-9f3c2a7e1b")

from config.settings.base import *  # noqa: F403
