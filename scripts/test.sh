#!/usr/bin/env bash
# The test command (make test): installs what the tests need, then lint, the layers contract, Django's checks, the
# suite on SQLite with the in-memory channel layer (the embedded default), and the suite again on
# PostgreSQL with Redis (the scale setup): throwaway servers unless DATABASE_URL / REDIS_URL are given.
# Extra arguments go to pytest, e.g. `make test ARGS="-k vote"`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_venv requirements-dev.txt
ensure_debian_packages chromium redis-server
export DJANGO_SETTINGS_MODULE=config.settings.test
export PATH="$PWD/.venv/bin:$PATH"

step "ruff"
ruff check .
ruff format --check .

step "import-linter: the layers point one way"
lint-imports --no-cache

step "manage.py check and migrations"
python manage.py check --fail-level WARNING
python manage.py makemigrations --check --dry-run

step "npm ci: axe-core (accessibility checks) and panva's oidc-provider (social sign-in tests)"
# Reinstalled only when node_modules is missing or package-lock.json changed since the last install.
if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.installed-package-lock.json; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.installed-package-lock.json
fi

step "Tests on SQLite, in-memory channel layer"
# tests/test_schema.py runs schemathesis against /api/v1/schema/ of the live daphne in this run only
# (signed out and with a token) and prints the cases it sent and how many failed.
(unset DATABASE_URL REDIS_URL; pytest "$@")

step "Tests on PostgreSQL and Redis"
trap 'stop_postgres; stop_redis' EXIT
[ -n "${DATABASE_URL:-}" ] || start_postgres
[ -n "${REDIS_URL:-}" ] || start_redis
pytest "$@"
