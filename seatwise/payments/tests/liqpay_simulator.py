"""The LiqPay simulator (``sandboxes/liqpay/server.py``) as a pytest fixture: a real
process on a free port with its own state directory."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from seatwise.payments.tests.factories import PRIVATE_KEY, PUBLIC_KEY

SERVER = Path(__file__).resolve().parents[3] / "sandboxes" / "liqpay" / "server.py"


@dataclass
class LiqPaySimulator:
    url: str
    process: subprocess.Popen
    state_dir: Path

    @property
    def checkout_url(self) -> str:
        return f"{self.url}/api/3/checkout"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/request"

    def order(self, order_id: str) -> dict:
        response = httpx.get(f"{self.url}/_sandbox/orders/{order_id}", timeout=5)
        response.raise_for_status()
        return response.json()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def liqpay_simulator(tmp_path_factory):
    port = _free_port()
    state_dir = tmp_path_factory.mktemp("liqpay")
    process = subprocess.Popen(
        [
            sys.executable,
            str(SERVER),
            "--port",
            str(port),
            "--state-dir",
            str(state_dir),
            "--public-key",
            PUBLIC_KEY,
            "--private-key",
            PRIVATE_KEY,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            httpx.get(f"{url}/_sandbox/health", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"the LiqPay simulator did not start: {process.stderr.read().decode()}"
                ) from None
            time.sleep(0.05)
    yield LiqPaySimulator(url=url, process=process, state_dir=state_dir)
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
