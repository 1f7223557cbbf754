"""Benchmark: the catalogue offers API against a bare django-ninja endpoint, under gunicorn on
PostgreSQL, in one run.

Targets (all served by the same gunicorn, from the same database):

* ``catalog_api``: ``GET /api/v1/catalog/offers?page_size=20`` (20 priced offers, anonymous)
* ``storefront``: ``GET /products/`` (the storefront product list page; skipped if it 404s)
* ``bare``: ``GET /bench/bare/offers`` (django-ninja, ``values("id", "name", "sku")[:20]``)

It creates a fresh database, migrates, loads ``manage.py demo_data`` (or ``bench/seed.py``
when that command does not exist), collects static files, starts gunicorn on 127.0.0.1,
warms up, measures every target in interleaved rounds with ``wrk`` (or a bounded httpx loop
when wrk is not installed), prints requests/second and the ratios to the bare endpoint, writes
``bench/results/catalog_api-<time>.json``, and stops everything it started.

Usage: ``python bench/catalog_api.py [--duration 5] [--rounds 3] ...`` (see ``--help``).
Goal: catalog_api / bare >= 0.70.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
GOAL = 0.70


@dataclass
class Target:
    name: str
    path: str
    expect: str  # a check of the body, see ``_check``
    skipped: str = ""
    rps: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def median(self) -> float | None:
        return statistics.median(self.rps) if self.rps else None


TARGETS = [
    Target("catalog_api", "/api/v1/catalog/offers?page_size=20", "items:20"),
    Target("storefront", "/products/", "html"),
    Target("bare", "/bench/bare/offers", "list:20"),
]


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- Database -----------------------------------------------------------------------------


def _admin_connect(args):
    import psycopg

    return psycopg.connect(
        host=args.pg_host, port=args.pg_port, user=args.pg_user, dbname="postgres", autocommit=True
    )


def create_database(args) -> None:
    from psycopg import sql

    with _admin_connect(args) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.db))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.db)))


def drop_database(args) -> None:
    from psycopg import sql

    with _admin_connect(args) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(args.db))
        )


# --- The app ------------------------------------------------------------------------------


def bench_env(args, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CACHE_URL"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": args.settings,
            "DATABASE_URL": f"postgres://{args.pg_user}@{args.pg_host}:{args.pg_port}/{args.db}",
            "DATABASE_CONN_MAX_AGE": "600",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_DEBUG": "false",
            "SEATWISE_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        }
    )
    return env


def manage(env, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *argv],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


def prepare(args, env) -> str:
    log(f"database {args.db}: create, migrate")
    create_database(args)
    manage(env, "migrate", "--noinput")
    if manage(env, "help", "demo_data", check=False).returncode == 0:
        log("loading demo data (manage.py demo_data)")
        manage(env, "demo_data")
        source = "demo_data"
    else:
        log("manage.py demo_data not found: seeding with bench/seed.py")
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "seed.py")], cwd=ROOT, env=env, check=True
        )
        source = "bench/seed.py"
    log("collectstatic")
    manage(env, "collectstatic", "--noinput")
    return source


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(args, env, port: int, log_file) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    log(f"gunicorn: {args.workers} x {args.worker_class} worker(s) on {HOST}:{port}")
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_ready(base: str, process: subprocess.Popen, timeout: float = 30) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up (see the log above)")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/bench/bare/offers", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


def _check(target: Target, response) -> str:
    """'' when the response is what the target must return, else why it is not."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    kind, _, count = target.expect.partition(":")
    if kind == "html":
        return "" if "text/html" in response.headers.get("content-type", "") else "not HTML"
    body = response.json()
    rows = body["items"] if kind == "items" else body
    return "" if len(rows) == int(count) else f"{len(rows)} rows, expected {count}"


def check_targets(base: str) -> dict[str, int]:
    import httpx

    for target in TARGETS:
        response = httpx.get(base + target.path, timeout=10)
        if target.name == "storefront" and response.status_code == 404:
            target.skipped = "GET /products/ is 404 (storefront not built yet)"
            log(f"{target.name}: skipped, {target.skipped}")
            continue
        problem = _check(target, response)
        if problem:
            raise RuntimeError(f"{target.name} {target.path}: {problem}")
    # The docs page works with DEBUG off, from our own static files.
    return {
        path: httpx.get(base + path, timeout=10).status_code
        for path in ("/api/v1/docs", "/api/v1/openapi.json", "/static/ninja/swagger-ui-bundle.js")
    }


# --- Load ---------------------------------------------------------------------------------


def run_wrk(url: str, seconds: float, args) -> tuple[float, int]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{args.client_threads}",
            f"-c{args.connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    errors = _wrk_errors(out)
    return float(match.group(1)), errors


def _wrk_errors(out: str) -> int:
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"connect (\d+), read \d+, write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return errors


def run_httpx(url: str, seconds: float, args) -> tuple[float, int]:
    """A bounded closed loop: ``connections`` threads with keep-alive, for ``seconds``."""
    import httpx

    counts = [0] * args.connections
    errors = [0] * args.connections
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        with httpx.Client(timeout=10) as client:
            while time.monotonic() < deadline:
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                counts[i] += ok
                errors[i] += not ok

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(errors)


def measure(base: str, args) -> str:
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "httpx"
    load = run_wrk if tool == "wrk" else run_httpx
    active = [t for t in TARGETS if not t.skipped]
    log(f"load: {tool}, {args.connections} connections, warm-up {args.warmup} s per target")
    for target in active:
        load(base + target.path, args.warmup, args)
    for round_number in range(args.rounds):
        # Interleave, and rotate the order each round, so drift hits every target alike.
        shift = round_number % len(active)
        for target in active[shift:] + active[:shift]:
            rps, errors = load(base + target.path, args.duration, args)
            target.rps.append(round(rps, 1))
            target.errors += errors
            log(f"round {round_number + 1}/{args.rounds} {target.name:<12} {rps:8.1f} req/s")
    return tool


# --- Report -------------------------------------------------------------------------------


def ratio(a: Target, b: Target) -> float | None:
    """The median of the per-round ratios: each round measures both targets back to back, so
    a load that drifts during the run (other processes on the machine) hits both alike."""
    pairs = [x / y for x, y in zip(a.rps, b.rps, strict=False) if y]
    return round(statistics.median(pairs), 3) if pairs else None


def _git(*argv: str) -> str:
    try:
        out = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def report(args, tool: str, source: str, docs: dict[str, int]) -> dict:
    by_name = {t.name: t for t in TARGETS}
    bare = by_name["bare"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain")),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        "setup": {
            "settings": args.settings,
            "database": "postgresql",
            "data": source,
            "gunicorn": {
                "workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads,
            },
            "load": {
                "tool": tool,
                "connections": args.connections,
                "seconds_per_round": args.duration,
                "rounds": args.rounds,
                "warmup_seconds": args.warmup,
            },
        },
        "targets": {
            t.name: {
                "path": t.path,
                "rps_median": t.median,
                "rps_rounds": t.rps,
                "errors": t.errors,
                "skipped": t.skipped or None,
            }
            for t in TARGETS
        },
        "ratios": {
            "catalog_api_to_bare": ratio(by_name["catalog_api"], bare),
            "storefront_to_bare": ratio(by_name["storefront"], bare),
        },
        "goal": {"catalog_api_to_bare": GOAL},
        "docs_offline": docs,
    }
    met = result["ratios"]["catalog_api_to_bare"]
    result["goal"]["met"] = met is not None and met >= GOAL

    print()
    print(f"{'target':<12} {'path':<38} {'req/s (median)':>15}  per round")
    for t in TARGETS:
        shown = "skipped" if t.skipped else f"{t.median:.1f}"
        print(f"{t.name:<12} {t.path:<38} {shown:>15}  {t.rps}")
    for name, value in result["ratios"].items():
        print(
            f"{name:<22} {'n/a' if value is None else f'{value:.2f}'}  (median of per-round ratios)"
        )
    print(f"goal catalog_api / bare >= {GOAL:.2f}: {'met' if result['goal']['met'] else 'NOT met'}")
    if any(t.errors for t in TARGETS):
        print("errors:", {t.name: t.errors for t in TARGETS if t.errors})
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=4, help="seconds per target per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=2, help="seconds per target")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--client-threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument(
        "--settings", default="bench.settings", help="settings module (to try a variant)"
    )
    parser.add_argument("--db", default="seatwise_bench")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--pg-host", default=HOST)
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    args = parser.parse_args(argv)
    if args.pg_host not in (HOST, "localhost"):
        parser.error("the benchmark only talks to 127.0.0.1")

    sys.path.insert(0, str(ROOT))
    var_dir = Path(tempfile.mkdtemp(prefix="seatwise-bench-"))
    env = bench_env(args, var_dir)
    server = None
    log_path = var_dir / "gunicorn.log"
    try:
        source = prepare(args, env)
        port = args.port or free_port()
        base = f"http://{HOST}:{port}"
        with open(log_path, "w") as log_file:
            server = start_gunicorn(args, env, port, log_file)
            wait_ready(base, server)
            docs = check_targets(base)
            tool = measure(base, args)
        result = report(args, tool, source, docs)
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = RESULTS / f"catalog_api-{stamp}.json"
        out.write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "catalog_api-latest.json").write_text(json.dumps(result, indent=2) + "\n")
        log(f"wrote {out.relative_to(ROOT)}")
        return 0
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        log(f"failed: {exc}")
        stderr = getattr(exc, "stderr", None)
        if stderr:
            print(stderr[-4000:], file=sys.stderr)
        if log_path.exists():
            print(log_path.read_text()[-4000:], file=sys.stderr)
        return 1
    finally:
        stop(server)
        if not args.keep_db:
            with contextlib.suppress(Exception):
                drop_database(args)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
