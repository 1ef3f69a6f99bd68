"""What the benchmarks share: free loopback ports, servers started and awaited, the settings they run with.

Standard library only, so bench/fresh_clone.sh can call it with the system python3 before any
virtualenv exists: `python3 bench/common.py free-port` prints a free port.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.net import free_port, wait_for_port  # noqa: E402  (shared with the tests: one port picker)


def django_on_a_throwaway_database() -> None:
    """Set Django up in this process, with the test settings, on a fresh SQLite file."""
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='idea-forum-bench-')}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()


def server_env(database_url: str, redis_url: str | None = None) -> dict:
    """The environment of a forum process under benchmark: production settings on loopback."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY="bench-only-secret-" + "x9" * 20,
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        # Benchmarks measure speed, not the per-member write limits nor those of new accounts.
        WRITE_RATE_LIMITS="{}",
        API_WRITE_RATE="",
        NEW_ACCOUNT_HOURS="0",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def django_script(database_url: str, script: str, redis_url: str | None = None) -> dict:
    """Run `script` with Django set up on the forum's database (and Redis, if given: its live events
    then reach the sockets of a daphne on the same Redis); it prints one JSON line, returned."""
    prelude = "import django, json; django.setup()\n"
    out = subprocess.run(
        [sys.executable, "-c", prelude + script],
        env=server_env(database_url, redis_url),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


SEED = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accounts.models import User
from accounts.services import api_token_issue
from ideas.models import Category
from ideas.services import idea_submit
author = User.objects.create_user(email="author@example.com", password="x")
category = Category.objects.create(name="Bench", slug="bench")
ideas = [idea_submit(actor=author, title=f"Benchmark idea number {n}", body="b", category=category).pk
         for n in range(IDEAS)]
tokens = [api_token_issue(actor=User.objects.create_user(email=f"m{n}@example.com", password="x"))
          for n in range(MEMBERS)]
print(json.dumps({"category": category.pk, "ideas": ideas, "tokens": tokens}))
"""


def seed(database_url: str, *, ideas: int, members: int) -> dict:
    """Migrate, then one author's `ideas` ideas and `members` members with API tokens:
    {"category": id, "ideas": [ids], "tokens": [keys]}."""
    return django_script(database_url, SEED.replace("IDEAS", str(ideas)).replace("MEMBERS", str(members)))


def start_postgres(workdir: str) -> tuple[str, callable]:
    """A throwaway PostgreSQL cluster in `workdir` on 127.0.0.1 (as the postgres user when run as root):
    its URL, and the function that stops it."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data, port = Path(workdir) / "pg", free_port()
    as_owner = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run([*as_owner, bindir / "initdb", "-D", data, "-U", "forum", "-A", "trust", "--no-sync"], **quiet)
    options = f"-h 127.0.0.1 -p {port} -k {workdir} -F -c shared_buffers=512MB -c work_mem=64MB"
    pg_ctl = [*as_owner, bindir / "pg_ctl", "-D", data]
    subprocess.run([*pg_ctl, "-o", options, "-l", Path(workdir) / "pg.log", "-w", "start"], **quiet)
    return f"postgres://forum@127.0.0.1:{port}/postgres", lambda: subprocess.run(
        [*pg_ctl, "-m", "fast", "stop"], **quiet
    )


def start_redis() -> tuple[str, subprocess.Popen]:
    """A throwaway Redis on 127.0.0.1 that saves nothing: its URL and its process (stop() it)."""
    port = free_port()
    process = start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
    wait_for_port(port, process)
    return f"redis://127.0.0.1:{port}/0", process


def daphne_command(port: int) -> list[str]:
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]


def start(command: list[str], env: dict | None = None) -> subprocess.Popen:
    """A server whose output goes to a log file (a pipe nobody reads would stall it)."""
    log = tempfile.NamedTemporaryFile(prefix="idea-forum-bench-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log.name
    return process


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    Path(process.log_path).unlink(missing_ok=True)


def percentile(values: list[float], fraction: float) -> float:
    """The value at `fraction` (0.5: the median) of the values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def launch_chromium(playwright):
    """Debian's Chromium (CHROMIUM_PATH), never a downloaded browser, quiet: no network of its own."""
    return playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync"],
    )  # fmt: skip


def bench_database(workdir: str, name: str, *, postgres: bool) -> tuple[str, callable]:
    """The database to measure on: DATABASE_URL when it is PostgreSQL, a throwaway PostgreSQL cluster with
    `postgres`, else SQLite in `workdir`; and how to stop what was started (None when nothing was)."""
    database_url = os.environ.get("DATABASE_URL", "")
    if postgres and not database_url.startswith("postgres"):
        return start_postgres(workdir)
    if database_url.startswith("postgres"):
        return database_url, None
    return f"sqlite:///{workdir}/{name}.sqlite3", None


if __name__ == "__main__":
    if sys.argv[1:] != ["free-port"]:
        raise SystemExit("usage: python3 bench/common.py free-port")
    print(free_port())
