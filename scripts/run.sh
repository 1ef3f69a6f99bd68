#!/usr/bin/env bash
# The run command (make run): a virtualenv, migrations, demo data, static files, then daphne on
# http://127.0.0.1:8000 with SQLite and the in-memory channel layer (the embedded default). DEBUG is
# off, so errors show the site's own pages; DEBUG=true make run shows Django's debug pages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv requirements.txt
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
export PATH="$PWD/.venv/bin:$PATH"
port="${PORT:-8000}"

step "Database and demo data"
python manage.py migrate --noinput -v0
python manage.py seed_demo
python manage.py collectstatic --noinput -v0

step "Idea Forum on http://127.0.0.1:$port (Ctrl+C stops it)"
exec daphne -b 127.0.0.1 -p "$port" config.asgi:application
