"""Fixtures: a real local HTTP server standing in for an SMS gateway."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class GatewayReply:
    status: int = 200
    body: dict | str = field(default_factory=lambda: {"id": "gw-1"})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Gateway:
    url: str
    requests: list[dict] = field(default_factory=list)
    replies: deque[GatewayReply] = field(default_factory=deque)

    def reply(self, *replies: GatewayReply) -> None:
        self.replies.extend(replies)


def _handler(gateway: Gateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            gateway.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(raw)}
            )
            reply = gateway.replies.popleft() if gateway.replies else GatewayReply()
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
            data = body.encode()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, format, *args):
            """Keep the test output quiet."""

    return Handler


@pytest.fixture
def sms_gateway():
    """An HTTP server on 127.0.0.1 (a free port) that records each POST and answers with the
    queued replies (200 with a JSON id by default)."""
    gateway = Gateway(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    gateway.url = f"http://{host}:{port}/v1/messages"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield gateway
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def gateway_settings(settings, sms_gateway):
    settings.SMS_BACKEND = "seatwise.notifications.sms.HttpSmsGatewayBackend"
    settings.SMS_GATEWAY_URL = sms_gateway.url
    settings.SMS_GATEWAY_TOKEN = "gw-secret-token"
    settings.SMS_SENDER = "Seatwise"
    settings.SMS_GATEWAY_TIMEOUT = 2
    return settings


@pytest.fixture
def memory_sms(sms):
    return sms  # the root conftest's in-memory SMS outbox


@pytest.fixture
def closed_port():
    """A local port nothing listens on (connections to it are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
