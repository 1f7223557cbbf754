"""``make run``'s servers for a browser test: the same commands on a fresh embedded database.

``portal`` (a module fixture) does what ``make run`` does after installing: ``manage.py
migrate``, ``manage.py demo_data``, then ``tools/devserver.py`` (the web server, a Celery
worker, Celery beat, the LiqPay simulator and the Partner Center sandbox, each its own
process) with the development
settings and the embedded defaults: SQLite and the file-system broker in a temporary
``SEATWISE_VAR_DIR``, free ports for the web server and the sandboxes. Whatever database,
broker or cache the test run itself uses (CI's PostgreSQL and Redis) is not passed on.

Codes and e-mails are read where a developer reads them: the portal's ``/dev/mailbox/``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "Seatwise-demo-2026"
# Not passed on: the test run's own database, broker, cache and settings.
DROPPED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SEATWISE_CI_REQUIRE_SERVICES",
    "LIQPAY_CHECKOUT_URL",
    "LIQPAY_API_URL",
    "PARTNER_CENTER_URL",
}


@dataclass(frozen=True)
class Portal:
    url: str
    liqpay_url: str
    var_dir: Path
    log: Path
    partner_center_url: str = ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the portal stopped:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in {seconds} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    var = tmp_path_factory.mktemp("portal-var")
    web_port, liqpay_port, partner_center_port = _free_port(), _free_port(), _free_port()
    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    env.update(
        SEATWISE_VAR_DIR=str(var),
        LIQPAY_SIMULATOR_PORT=str(liqpay_port),
        PARTNER_CENTER_SANDBOX_PORT=str(partner_center_port),
        PYTHONUNBUFFERED="1",
    )
    python = sys.executable
    for command in (["migrate", "--noinput"], ["demo_data"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    log = var / "devserver.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [python, "tools/devserver.py", "--port", str(web_port), "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{web_port}"
    liqpay_url = f"http://127.0.0.1:{liqpay_port}"
    partner_center_url = f"http://127.0.0.1:{partner_center_port}"
    try:
        _wait_for(url + "/", process, log)
        _wait_for(liqpay_url + "/", process, log)
        _wait_for(partner_center_url + "/_sandbox/health", process, log)
        yield Portal(
            url=url,
            liqpay_url=liqpay_url,
            var_dir=var,
            log=log,
            partner_center_url=partner_center_url,
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # devserver stops its five children
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


# --- the developer's mailbox ----------------------------------------------------------------


def mailbox_codes(page, portal: Portal, kind: str = "sms") -> list[str]:
    """The codes of the mailbox's ``kind`` entries, newest first."""
    page.goto(portal.url + "/dev/mailbox/")
    entries = page.locator(f'.mailbox-entry[data-kind="{kind}"] .mailbox-code')
    return [code.strip() for code in entries.all_inner_texts()]


def wait_for_new_code(page, portal: Portal, before: list[str], kind: str = "sms") -> str:
    """The newest code once the worker has delivered one more than ``before`` held."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        codes = mailbox_codes(page, portal, kind)
        if len(codes) > len(before):
            return codes[0]
        time.sleep(0.5)
    raise AssertionError(f"no new {kind} code in the mailbox")


def sign_in_with_sms(page, portal: Portal, email: str, *, next_path: str = "/") -> None:
    """The password, then *Send Code* and the SMS code from the mailbox (another tab)."""
    page.goto(f"{portal.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/second-factor/"))
    mailbox = page.context.new_page()
    before = mailbox_codes(mailbox, portal)
    page.get_by_role("button", name="Send Code").click()
    expect(page.get_by_text("We sent a code by SMS to")).to_be_visible()
    code = wait_for_new_code(mailbox, portal, before)
    mailbox.close()
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Continue").click()
