#!/usr/bin/env bash
# The test command (make test): installs what the tests need, then lint, Django's checks, and the
# suite on SQLite and again on PostgreSQL (a throwaway cluster unless DATABASE_URL is given).
# Extra arguments go to pytest, e.g. `make test ARGS="-k vote"`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv requirements-dev.txt
ensure_debian_packages chromium
export DJANGO_SETTINGS_MODULE=config.settings.test
export PATH="$PWD/.venv/bin:$PATH"

step "ruff"
ruff check .
ruff format --check .

step "manage.py check and migrations"
python manage.py check --fail-level WARNING
python manage.py makemigrations --check --dry-run

step "Tests on SQLite"
(unset DATABASE_URL; pytest "$@")

step "Tests on PostgreSQL"
if [ -z "${DATABASE_URL:-}" ]; then
  trap stop_postgres EXIT
  start_postgres
fi
pytest "$@"
