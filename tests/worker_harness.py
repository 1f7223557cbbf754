"""Real processes for ``tests/test_provisioning_worker.py``: a database of its own, Celery
workers (``celery -A config worker``) on a real broker, and the scenario's Django script.

Pytest's own database is not shared with other processes (SQLite in memory), so the scenario
runs wholly out of process, with ``tests/worker_settings.py``:

* the database is a SQLite file, or, when ``DATABASE_URL`` names PostgreSQL (CI's second
  run), a database of its own on that server; migrated once per module and copied for each
  test;
* the broker is the filesystem broker in the test's var directory, or Redis when
  ``CELERY_BROKER_URL`` / ``REDIS_URL`` name one (every key under the scenario's prefix,
  deleted afterwards);
* the Partner Center connector points at the session's sandbox.

The pytest side reads progress with plain SQL (no Django there) and the end state through
``python -m tests.worker_harness report``, which, like ``seed``, runs in the scenario's
environment.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = "tests.worker_settings"
# The test run's own configuration is not passed on; the scenario sets its own.
DROPPED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
    "SEATWISE_VAR_DIR",
    "SEATWISE_CI_REQUIRE_SERVICES",
}
# A port nothing listens on: the broker "down" for Redis.
CLOSED_REDIS = "redis://127.0.0.1:1/0"


# --- the database -----------------------------------------------------------------------------


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.split(":", 1)[0] in ("postgres", "postgresql", "pgsql") else ""


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _pg_admin(server_url: str):
    import psycopg

    return psycopg.connect(_with_database(server_url, "postgres"), autocommit=True)


@dataclass
class Database:
    """One scenario database: ``url`` for the processes, ``statuses()`` for the test."""

    url: str
    path: Path | None = None  # SQLite
    name: str = ""  # PostgreSQL
    server_url: str = ""

    @property
    def engine(self) -> str:
        return "sqlite" if self.path else "postgresql"

    def query(self, sql: str) -> list[tuple]:
        if self.path:
            connection = sqlite3.connect(self.path, timeout=10)
            try:
                return connection.execute(sql).fetchall()
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute(sql).fetchall()

    def statuses(self) -> Counter:
        """How many provisioning requests are in each status."""
        rows = self.query("SELECT status, COUNT(*) FROM orders_provisioningrequest GROUP BY status")
        return Counter(dict(rows))

    def copy(self, directory: Path, label: str) -> Database:
        if self.path:
            target = directory / f"{label}.sqlite3"
            source = sqlite3.connect(self.path)
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                source.close()
                copy.close()
            return Database(url=f"sqlite:///{target}", path=target)
        name = f"{self.name}_{label}"[:63]
        with _pg_admin(self.server_url) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        return Database(
            url=_with_database(self.server_url, name), name=name, server_url=self.server_url
        )

    def drop(self) -> None:
        if self.path:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return
        with _pg_admin(self.server_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def migrated_database(directory: Path) -> Database:
    """A new database, migrated with ``manage.py migrate`` (the template of the tests')."""
    server = _postgres_url()
    if server:
        name = f"seatwise_worker_{os.getpid()}_{secrets.token_hex(3)}"
        with _pg_admin(server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        database = Database(url=_with_database(server, name), name=name, server_url=server)
    else:
        path = directory / "template.sqlite3"
        database = Database(url=f"sqlite:///{path}", path=path)
    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database.url,
        SEATWISE_VAR_DIR=str(directory / "migrate-var"),
    )
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    except subprocess.CalledProcessError as error:
        database.drop()
        raise AssertionError(f"migrate failed:\n{error.stderr.decode()[-4000:]}") from None
    return database


# --- the broker -------------------------------------------------------------------------------


def broker_url() -> str:
    """The broker the test run names (CI's Redis), else the filesystem broker."""
    for key in ("CELERY_BROKER_URL", "REDIS_URL"):
        value = os.environ.get(key, "")
        if value.startswith(("redis://", "rediss://")):
            return value
    return "filesystem://"


def broker_prefix(var_dir: Path) -> str:
    """The Redis key prefix of a scenario (``tests/worker_settings.py`` sets the same)."""
    return f"seatwise-worker-test-{var_dir.name}:"


def broker_folders(var_dir: Path) -> list[Path]:
    base = var_dir / "broker"
    return [base / "out", base / "processed", base / "control"]


def broker_cleanup(url: str, var_dir: Path) -> None:
    if not url.startswith("redis"):
        return
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{broker_prefix(var_dir)}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# --- processes --------------------------------------------------------------------------------


@dataclass
class Scenario:
    """The environment of one test's processes, and the processes it started."""

    directory: Path
    database: Database
    sandbox: object  # tests.sandboxes.partner_center.PartnerCenterSandbox
    broker: str = field(default_factory=broker_url)
    workers: list[Worker] = field(default_factory=list)
    # Unique: it names the scenario's Redis keys too (``broker_prefix``).
    var_name: str = field(default_factory=lambda: f"var-{secrets.token_hex(4)}")

    @property
    def var_dir(self) -> Path:
        return self.directory / self.var_name

    def broker_up(self) -> None:
        """The filesystem broker works once its folders exist (``make run`` makes them)."""
        if self.broker.startswith("filesystem://"):
            for folder in broker_folders(self.var_dir):
                folder.mkdir(parents=True, exist_ok=True)

    def env(self, **overrides: str) -> dict[str, str]:
        sandbox = self.sandbox
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in DROPPED and not key.startswith("PARTNER_CENTER_")
        }
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            SEATWISE_VAR_DIR=str(self.var_dir),
            DATABASE_URL=self.database.url,
            CELERY_BROKER_URL=self.broker,
            PARTNER_CENTER_URL=sandbox.api_url,
            PARTNER_CENTER_AUTHORITY=sandbox.url,
            PARTNER_CENTER_TENANT="sandbox-partner",
            PARTNER_CENTER_CLIENT_ID=sandbox.client_id,
            PARTNER_CENTER_CLIENT_SECRET=sandbox.client_secret,
            PARTNER_CENTER_REFRESH_TOKEN="sandbox-refresh-token",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(overrides)
        return env

    def script(self, *args: str, timeout: float = 120, **env: str) -> tuple[dict, str]:
        """Run ``python -m tests.worker_harness *args``; its JSON answer and its log."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.worker_harness", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            timeout=timeout,
        )
        log = result.stderr.decode()
        if result.returncode != 0:
            raise AssertionError(f"`worker_harness {' '.join(args)}` failed:\n{log[-6000:]}")
        return json.loads(result.stdout), log

    def worker(self, name: str, *, beat: bool = False, concurrency: int = 4) -> Worker:
        worker = Worker(name=name, log=self.directory / f"worker-{name}.log")
        self.workers.append(worker)
        worker.start(self.env(), beat=beat, concurrency=concurrency, var_dir=self.var_dir)
        return worker

    def logs(self) -> str:
        return "\n".join(worker.tail() for worker in self.workers)

    def wait_for(
        self, what: str, check: Callable[[], tuple[bool, object]], *, timeout: float
    ) -> object:
        """Poll ``check`` (done, state) until done; fail with the state and the workers'
        logs after ``timeout`` seconds, or at once if a running worker died."""
        deadline = time.monotonic() + timeout
        state: object = None
        while time.monotonic() < deadline:
            done, state = check()
            if done:
                return state
            for worker in self.workers:
                if worker.died():
                    raise AssertionError(
                        f"worker {worker.name} stopped while waiting for {what}; "
                        f"last state {state}\n{worker.tail()}"
                    )
            time.sleep(0.05)
        raise AssertionError(
            f"timed out after {timeout} s waiting for {what}; last state {state}\n{self.logs()}"
        )

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        broker_cleanup(self.broker, self.var_dir)


@dataclass
class Worker:
    """``celery -A config worker`` (prefork) in its own process group, so that its pool
    children can be killed with it."""

    name: str
    log: Path
    process: subprocess.Popen | None = None
    killed: bool = False

    def start(self, env: dict, *, beat: bool, concurrency: int, var_dir: Path) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            f"--hostname={self.name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
        if beat:
            command += ["--beat", f"--schedule={var_dir / f'beat-{self.name}'}"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def died(self) -> bool:
        return not self.killed and self.process is not None and self.process.poll() is not None

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once: no shutdown, no acks."""
        self.killed = True
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM to the main process), then SIGKILL to whatever is left of
        the process group."""
        if self.process is None or (self.killed and self.process.poll() is not None):
            return  # never started, or killed (with its whole group) and reaped
        self.killed = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def tail(self, chars: int = 5000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- worker {self.name} ---\n{text[-chars:]}"


# --- the scenario's Django script (run with tests.worker_settings) -------------------------


def _seed(args) -> dict:
    from seatwise.orders.tests.factories import make_parties
    from seatwise.orders.tests.pc import business_basic, paid_order
    from seatwise.tenancy.tests.factories import make_customer, make_member

    parties = make_parties()
    offer = business_basic()
    customers = [make_customer(parties["reseller"]) for _ in range(args.customers)]
    buyers = {customer.pk: make_member(customer) for customer in customers}
    quantities = {}
    started = time.monotonic()
    for n in range(args.orders):
        customer = customers[n % args.customers]
        order = paid_order(  # placed, then paid: order_mark_paid queues its provisioning
            customer=customer,
            buyer=buyers[customer.pk],
            offer=offer,
            quantity=1 + n % 5,
            tenant=f"{args.tenant_prefix}{n % args.customers}",
        )
        quantities[order.pk] = 1 + n % 5
    return {"quantities": quantities, "paying_seconds": round(time.monotonic() - started, 2)}


def _report(args) -> dict:
    from seatwise.orders.models import Order, OrderLine, ProvisioningRequest
    from seatwise.subscriptions.models import Subscription, VendorAccount

    return {
        "orders": {str(o.pk): o.status for o in Order.objects.all()},
        "lines": [
            {"order": line.order_id, "status": line.status, "quantity": line.quantity}
            for line in OrderLine.objects.all()
        ],
        "requests": [
            {
                "order": r.line.order_id,
                "status": r.status,
                "attempts": r.attempts,
                "subscription": r.subscription.vendor_subscription_id if r.subscription else None,
                "last_error": r.last_error,
            }
            for r in ProvisioningRequest.objects.select_related("line", "subscription")
        ],
        "accounts": [
            {"domain": a.domain, "status": a.status, "customer_id": a.vendor_customer_id}
            for a in VendorAccount.objects.all()
        ],
        "subscriptions": [
            {
                "id": s.vendor_subscription_id,
                "customer_id": s.account.vendor_customer_id,
                "quantity": s.quantity,
            }
            for s in Subscription.objects.select_related("account")
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.worker_harness")
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="customers and paid Microsoft orders")
    seed.add_argument("--orders", type=int, required=True)
    seed.add_argument("--customers", type=int, required=True)
    seed.add_argument("--tenant-prefix", required=True)
    commands.add_parser("report", help="orders, requests, tenants and subscriptions as JSON")
    args = parser.parse_args()

    import django

    django.setup()
    answer = {"seed": _seed, "report": _report}[args.command](args)
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
