"""Start the web server, a Celery worker, Celery beat, the LiqPay simulator and the Partner
Center sandbox; Ctrl-C stops all five.

Used by ``make run``. If one of them exits, the others are stopped too, so a broken worker
never goes unnoticed behind a running web server.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--host", default="127.0.0.1")
    # The LiqPay simulator has its own port, independent of PORT; config/settings/dev.py
    # points the checkout and API URLs at it (LIQPAY_SIMULATOR_PORT changes both).
    parser.add_argument("--liqpay-port", default=os.environ.get("LIQPAY_SIMULATOR_PORT", "8901"))
    # The Partner Center sandbox likewise (PARTNER_CENTER_SANDBOX_PORT; config/settings/dev.py).
    parser.add_argument(
        "--partner-center-port", default=os.environ.get("PARTNER_CENTER_SANDBOX_PORT", "8902")
    )
    parser.add_argument(
        "--noreload",
        action="store_true",
        help="do not restart the web server when a source file changes (browser tests)",
    )
    args = parser.parse_args()

    var = Path(os.environ.get("SEATWISE_VAR_DIR", ROOT / "var"))
    folders = ("broker/out", "broker/processed", "broker/control", "mailbox", "liqpay")
    for folder in (*folders, "partner_center"):
        (var / folder).mkdir(parents=True, exist_ok=True)

    celery = [str(BIN / "celery"), "-A", "config"]
    commands = {
        "web": [
            sys.executable,
            "manage.py",
            "runserver",
            f"{args.host}:{args.port}",
            *(["--noreload"] if args.noreload else []),
        ],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "-n", "worker@%h"],
        "beat": [*celery, "beat", "--loglevel=INFO", "-s", str(var / "celerybeat-schedule")],
        "liqpay": [
            sys.executable,
            "sandboxes/liqpay/server.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.liqpay_port),
            "--state-dir",
            str(var / "liqpay"),
            # The demo keys of config/settings/dev.py (docs/adr/0013-liqpay.md).
            "--public-key",
            "sandbox_i000",
            "--private-key",
            "sandbox_secret",
        ],
        "partner_center": [
            sys.executable,
            "sandboxes/partner_center/server.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.partner_center_port),
            "--state-dir",
            str(var / "partner_center"),
        ],
    }
    # Links in e-mails the worker sends point at this server unless configured otherwise.
    env = {**os.environ}
    env.setdefault("SEATWISE_PUBLIC_URL", f"http://{args.host}:{args.port}")
    procs: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nStopping Seatwise…", flush=True)
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    for name, command in commands.items():
        # Each child gets its own process group so a terminal's Ctrl-C reaches only us and
        # we stop them in order.
        procs[name] = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    print(
        f"Seatwise is running on http://{args.host}:{args.port}/  (admin: /admin/, API docs:"
        f" /api/v1/docs; LiqPay simulator: http://127.0.0.1:{args.liqpay_port}/; Partner"
        f" Center sandbox: http://127.0.0.1:{args.partner_center_port}/_sandbox/health)."
        " Press Ctrl-C"
        " to stop.",
        flush=True,
    )
    status = 0
    while not stopping:
        for name, proc in procs.items():
            code = proc.poll()
            if code is not None:
                print(f"{name} exited with code {code}; stopping the rest.", flush=True)
                status = code or 1
                stop()
                break
        time.sleep(0.5)
    return status


if __name__ == "__main__":
    sys.exit(main())
