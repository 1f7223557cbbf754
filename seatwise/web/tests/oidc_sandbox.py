"""The Microsoft sign-in sandbox (``sandboxes/oidc/server.py``) as pytest fixtures: a real
process on a free port, and settings that point both Microsoft apps at it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[3] / "sandboxes" / "oidc" / "server.py"
CLIENT_ID = "seatwise-test-client"
CLIENT_SECRET = "seatwise-test-secret"


@dataclass
class OidcSandbox:
    url: str
    process: subprocess.Popen

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (our own sandbox on 127.0.0.1)
            f"{self.url}{path}", data=data, method=method
        )
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    def set_user(self, **user) -> dict:
        """The account the sandbox approves next (kind "work" or "personal")."""
        return self._call("POST", "/_sandbox/user", user)

    def clear_user(self) -> None:
        self._call("DELETE", "/_sandbox/user")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_sandbox():
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            str(SERVER),
            "--port",
            str(port),
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=1):  # noqa: S310
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"the OIDC sandbox did not start: {process.stderr.read().decode()}"
                ) from None
            time.sleep(0.05)
    sandbox = OidcSandbox(url=url, process=process)
    yield sandbox
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


def sandbox_providers(url: str) -> dict:
    """``SOCIALACCOUNT_PROVIDERS`` as config/settings/base.py builds it, with the sandbox as
    the authority and as Graph."""
    return {
        "microsoft": {
            "APPS": [
                {
                    "name": "Work Microsoft account",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {
                        "tenant": "organizations",
                        "login_url": url,
                        "graph_url": url,
                    },
                }
            ]
        },
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "microsoft-personal",
                    "name": "Personal Microsoft account",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {
                        "server_url": f"{url}/consumers/v2.0",
                        "fetch_userinfo": False,
                        "token_auth_method": "client_secret_post",
                    },
                }
            ]
        },
    }


@pytest.fixture
def microsoft_apps(settings, oidc_sandbox):
    """Both Microsoft apps configured against the sandbox; the sandbox approves nobody until
    a test sets its user."""
    settings.SOCIALACCOUNT_PROVIDERS = sandbox_providers(oidc_sandbox.url)
    oidc_sandbox.clear_user()
    yield oidc_sandbox
    oidc_sandbox.clear_user()
