# Shared shell helpers for the run and test commands: a virtualenv, Debian packages, a PostgreSQL.
# shellcheck shell=bash

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

python_311() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"
      return
    fi
  done
  echo "Python 3.11 is needed (python3.11 not found)." >&2
  exit 1
}

# ensure_venv REQUIREMENTS_FILE: .venv with those pinned packages, reinstalled only when the file changes.
ensure_venv() {
  local requirements=$1 stamp log
  [ -x .venv/bin/python ] || "$(python_311)" -m venv .venv
  stamp=".venv/.installed-$(basename "$requirements")"
  if [ ! -f "$stamp" ] || ! cat requirements*.txt | cmp -s - "$stamp"; then
    step "Installing Python packages from $requirements"
    log=$(mktemp)
    if ! .venv/bin/python -m pip install --disable-pip-version-check -q -r "$requirements" >"$log" 2>&1; then
      grep -v "is ignored: it is neither a file nor a directory" "$log" >&2
      rm -f "$log"
      exit 1
    fi
    rm -f "$log"
    cat requirements*.txt >"$stamp"
  fi
}

# ensure_debian_packages PACKAGE...: apt-get install whatever is missing (root, or through sudo).
ensure_debian_packages() {
  local missing=() package sudo=""
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  step "Installing Debian packages: ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_postgres: a throwaway PostgreSQL cluster on 127.0.0.1 and a free port; sets DATABASE_URL.
# initdb refuses to run as root, so as root the cluster belongs to the postgres user.
start_postgres() {
  local bindir as_owner=()
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bindir" ] || bindir=$(dirname "$(command -v initdb)")
  PG_DIR=$(mktemp -d /tmp/idea-forum-pg.XXXXXX)
  PG_PORT=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    as_owner=(runuser -u postgres --)
  fi
  PG_CTL=("${as_owner[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data")
  "${as_owner[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U forum -A trust -E UTF8 --no-sync >"$PG_DIR/initdb.log"
  "${PG_CTL[@]}" -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -F" -l "$PG_DIR/server.log" -w start >/dev/null
  export DATABASE_URL="postgres://forum@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_CTL[@]}" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}

# start_redis: a throwaway Redis on 127.0.0.1 and a free port, nothing saved to disk; sets REDIS_URL.
start_redis() {
  REDIS_DIR=$(mktemp -d /tmp/idea-forum-redis.XXXXXX)
  local port
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export REDIS_URL="redis://127.0.0.1:$port/0"
  echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
}

stop_redis() {
  [ -n "${REDIS_DIR:-}" ] || return 0
  kill "$(cat "$REDIS_DIR/redis.pid" 2>/dev/null)" 2>/dev/null || true
  rm -rf "$REDIS_DIR"
  REDIS_DIR=""
}
