#!/usr/bin/env bash
# The run command (make run): a virtualenv, migrations, demo data, static files, then daphne on
# http://127.0.0.1:8000 with SQLite and the in-memory channel layer (the embedded default), and one
# background worker beside it (notifications, e-mail, digests). Ctrl+C stops both; so does either
# one stopping. DEBUG is off, so errors show the site's own pages; DEBUG=true make run shows Django's
# debug pages.
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

step "Idea Forum on http://127.0.0.1:$port, with a background worker (Ctrl+C stops both)"
python manage.py worker --no-reload --interval 0.5 &
worker=$!
daphne -b 127.0.0.1 -p "$port" config.asgi:application &
web=$!
trap 'kill -TERM "$worker" "$web" 2>/dev/null || true; wait' EXIT INT TERM
wait -n "$worker" "$web"
