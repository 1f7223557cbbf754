"""The Partner Center sandbox (``sandboxes/partner_center/server.py``) as a pytest fixture: a
real process on a free port with its own state directory.

Use it from any test module or conftest::

    from tests.sandboxes.partner_center import partner_center_sandbox  # noqa: F401 (fixture)

The fixture is session-scoped: call ``partner_center_sandbox.reset()`` at the start of a test
that needs an empty partner (it also clears faults, the clock offset and the settings).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

SERVER = Path(__file__).resolve().parents[2] / "sandboxes" / "partner_center" / "server.py"
CLIENT_ID = "seatwise-sandbox"
CLIENT_SECRET = "sandbox-secret"


@dataclass
class PartnerCenterSandbox:
    url: str
    process: subprocess.Popen
    state_dir: Path
    port: int
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    args: list[str] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        """The Partner Center API root (``.../v1``)."""
        return f"{self.url}/v1"

    def token_url(self, tenant: str = "partner.onmicrosoft.com") -> str:
        return f"{self.url}/{tenant}/oauth2/token"

    def control(self, path: str, json: dict | None = None, *, method: str | None = None):
        """Call a ``/_sandbox/`` endpoint (POST when a body is given) and return its JSON."""
        path = path if path.startswith("/_sandbox/") else f"/_sandbox/{path.lstrip('/')}"
        method = method or ("POST" if json is not None else "GET")
        response = httpx.request(method, f"{self.url}{path}", json=json, timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Forget every customer, cart, order, subscription and recorded request; clear
        the faults, the clock offset and the settings (back to the command-line values)."""
        self.control("reset", {})

    def subscriptions(self, customer_id: str) -> list[dict]:
        """The customer's subscriptions as Microsoft holds them (no auth, no faults)."""
        return self.control(f"customers/{customer_id}/subscriptions")["items"]

    def access_token(self, *, app_only: bool = False) -> str:
        data = {
            "grant_type": "client_credentials" if app_only else "refresh_token",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        if not app_only:
            data["refresh_token"] = "sandbox-refresh-token"
        response = httpx.post(self.token_url(), data=data, timeout=10)
        response.raise_for_status()
        return response.json()["access_token"]

    def client(self, *, app_only: bool = False, **kwargs) -> httpx.Client:
        """An httpx client on ``/v1`` with a bearer token (App+User unless ``app_only``)."""
        token = self.access_token(app_only=app_only)
        return httpx.Client(
            base_url=self.api_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=kwargs.pop("timeout", 10),
            **kwargs,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def restart(self) -> None:
        """Stop the process and start it again on the same port and state directory."""
        self.stop()
        self.process = _spawn(self.port, self.state_dir, self.args)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _spawn(port: int, state_dir: Path, args: list[str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            str(SERVER),
            "--port",
            str(port),
            "--state-dir",
            str(state_dir),
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            httpx.get(f"{url}/_sandbox/health", timeout=1).raise_for_status()
            return process
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"the Partner Center sandbox did not start: {process.stderr.read().decode()}"
                ) from None
            time.sleep(0.05)


def start_partner_center(state_dir: Path, *args: str) -> PartnerCenterSandbox:
    """Start a sandbox process (stop it with ``.stop()``); extra command-line flags in
    ``args``, for example ``"--max-customers", "2"``."""
    port = free_port()
    process = _spawn(port, state_dir, list(args))
    return PartnerCenterSandbox(
        url=f"http://127.0.0.1:{port}",
        process=process,
        state_dir=state_dir,
        port=port,
        args=list(args),
    )


@pytest.fixture(scope="session")
def partner_center_sandbox(tmp_path_factory):
    sandbox = start_partner_center(tmp_path_factory.mktemp("partner_center"))
    yield sandbox
    sandbox.stop()
