#!/usr/bin/env bash
# Time from a fresh clone to the first served page with the README's run command.
# Usage: bench/fresh_clone.sh [--no-pip-cache]   (the cache-less run is what a new machine sees)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/idea-forum-clone.XXXXXX)
port=$(python3 "$repo/bench/common.py" free-port)
[ "${1:-}" = "--no-pip-cache" ] && export PIP_NO_CACHE_DIR=1

cleanup() {
  [ -n "${server:-}" ] && kill -- -"$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start=$(date +%s.%N)
git clone -q "$repo" "$work/forum"
cd "$work/forum"
setsid env PORT="$port" make run >"$work/run.log" 2>&1 &
server=$!
deadline=$((SECONDS + 600))
until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do
  if [ $SECONDS -gt $deadline ] || ! kill -0 "$server" 2>/dev/null; then
    cat "$work/run.log" >&2
    echo "the forum did not come up" >&2
    exit 1
  fi
  sleep 0.2
done
end=$(date +%s.%N)
ideas=$(curl -fs "http://127.0.0.1:$port/api/v1/ideas/?page_size=100" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["results"]))')
printf 'fresh clone to first served page: %.1f s (%s demo ideas served, pip cache %s)\n' \
  "$(echo "$end - $start" | bc)" "$ideas" "$([ -n "${PIP_NO_CACHE_DIR:-}" ] && echo off || echo on)"
