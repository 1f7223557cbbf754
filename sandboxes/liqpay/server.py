"""A stand-alone LiqPay simulator: the API v3 checkout and server API with the same
``data`` + ``signature`` envelope (../shared/reference/liqpay.md), for ``make run`` and the
tests. Standard library only; it shares no code with Seatwise, so it is an independent
implementation of the protocol.

Run: ``python sandboxes/liqpay/server.py --port 8901 --state-dir var/liqpay
--public-key sandbox_i000 --private-key sandbox_secret``

Endpoints:

* ``POST /api/3/checkout`` (also with a trailing slash), form fields ``data`` and
  ``signature``: verifies the signature over the exact string, checks the parameters and
  shows a page with the order, the amount and two buttons, *Pay (success)* and
  *Decline (failure)*;
* ``POST /checkout/{token}/pay`` and ``/checkout/{token}/decline``: the buttons. The
  simulator POSTs a signed callback to the order's ``server_url`` (status ``success``,
  or ``sandbox`` when the checkout had ``sandbox: 1``, as LiqPay does; ``failure`` on
  decline), then redirects the browser to ``result_url``;
* ``POST /api/request`` (form ``data`` + ``signature``): ``action: status`` answers plain
  JSON with the last status it knows for ``order_id`` (``payment_not_found`` if none);
  ``action: refund`` (``amount`` optional) marks the order ``reversed``, sends the callback
  and answers;
* ``GET /`` lists the orders; ``GET /_sandbox/health``; ``GET /_sandbox/orders/{order_id}``.

State is kept in ``{state-dir}/state.json``. The private key never leaves the process; the
simulator never logs it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import html
import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

CURRENCIES = {"UAH", "USD", "EUR"}
PAID = {"success", "sandbox", "wait_compensation"}


def sign(data: str, private_key: str) -> str:
    digest = hashlib.sha1((private_key + data + private_key).encode()).digest()  # noqa: S324
    return base64.b64encode(digest).decode()


def encode(params: dict) -> str:
    return base64.b64encode(json.dumps(params).encode()).decode()


def decode(data: str) -> dict:
    raw = base64.b64decode("".join(data.split()), validate=True)
    value = json.loads(raw.decode(), parse_float=Decimal)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def number(amount: Decimal) -> float | int:
    """An amount as a JSON number, as LiqPay sends it (``10.5``, ``7``)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


class Simulator:
    def __init__(self, *, public_key: str, private_key: str, state_dir: Path) -> None:
        self.public_key = public_key
        self.private_key = private_key
        self.path = state_dir / "state.json"
        state_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.state = {"orders": {}, "next_payment_id": 1000001}
        if self.path.exists():
            self.state = json.loads(self.path.read_text())

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1, sort_keys=True))
        os.replace(tmp, self.path)

    def verify(self, data: str, signature: str) -> bool:
        return hmac.compare_digest(sign(data, self.private_key).encode(), signature.encode())

    def order(self, order_id: str) -> dict | None:
        return self.state["orders"].get(order_id)

    def report(self, order: dict) -> dict:
        """The callback / status object for an order."""
        body = {
            "version": 3,
            "action": "pay",
            "status": order["status"],
            "order_id": order["order_id"],
            "liqpay_order_id": order["liqpay_order_id"],
            "payment_id": order["payment_id"],
            "amount": number(Decimal(order["amount"])),
            "currency": order["currency"],
            "description": order["description"],
            "public_key": self.public_key,
            "paytype": "card",
            "sender_card_mask2": "424242*42",
            "create_date": order["create_date"],
            "end_date": order.get("end_date", order["create_date"]),
            "is_3ds": False,
        }
        if order["status"] == "failure":
            body.update(err_code="limit", err_description="Card limit exceeded (simulated)")
        if order.get("refund_amount"):
            body["refund_amount"] = number(Decimal(order["refund_amount"]))
        return body

    def send_callback(self, order: dict) -> int:
        """POST the signed callback to the order's server_url; returns the HTTP status."""
        url = order.get("server_url")
        if not url:
            return 0
        data = encode(self.report(order))
        body = urlencode({"data": data, "signature": sign(data, self.private_key)}).encode()
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        order.setdefault("callbacks", []).append({"status": order["status"], "http": status})
        return status


def page(title: str, body: str) -> bytes:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;background:#f4f6fb;margin:0;padding:3rem}"
        ".card{max-width:28rem;margin:auto;background:#fff;border-radius:12px;padding:2rem;"
        "box-shadow:0 2px 12px #0002}.amount{font-size:2rem;font-weight:700;margin:.5rem 0}"
        "button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:8px;margin-right:"
        ".5rem;cursor:pointer}.pay{background:#2e7d32;color:#fff}.decline{background:#c62828;"
        "color:#fff}.muted{color:#666;font-size:.9rem}.badge{background:#ffb300;padding:.1rem"
        " .5rem;border-radius:6px;font-size:.8rem}</style></head><body><div class='card'>"
        f"{body}</div></body></html>"
    ).encode()


def make_handler(sim: Simulator):
    class Handler(BaseHTTPRequestHandler):
        server_version = "SeatwiseLiqPaySimulator/1"

        def log_message(self, format, *args):  # no request log: it would carry data blobs
            return

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, body: dict) -> None:
            self._send(status, json.dumps(body).encode(), "application/json")

        def _html(self, status: int, title: str, body: str) -> None:
            self._send(status, page(title, body), "text/html; charset=utf-8")

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            fields = parse_qs(raw, keep_blank_values=True)
            return {key: values[0] for key, values in fields.items()}

        def _envelope(self) -> dict | None:
            form = self._form()
            data, signature = form.get("data", ""), form.get("signature", "")
            if not data or not signature or not sim.verify(data, signature):
                return None
            try:
                params = decode(data)
            except (binascii.Error, ValueError, UnicodeDecodeError):
                return None
            if params.get("public_key") != sim.public_key:
                return None
            return params

        # --- GET ---------------------------------------------------------------------

        def do_GET(self):
            path = urlsplit(self.path).path
            if path == "/_sandbox/health":
                return self._json(200, {"ok": True})
            if path.startswith("/_sandbox/orders/"):
                with sim.lock:
                    order = sim.order(path.removeprefix("/_sandbox/orders/"))
                    if order is None:
                        return self._json(404, {"error": "not found"})
                    return self._json(200, {**sim.report(order), "token": order["token"]})
            if path == "/":
                with sim.lock:
                    rows = "".join(
                        f"<li>{html.escape(o['order_id'])}: {html.escape(o['amount'])} "
                        f"{html.escape(o['currency'])} — <b>{html.escape(o['status'])}</b></li>"
                        for o in sim.state["orders"].values()
                    )
                return self._html(
                    200,
                    "LiqPay simulator",
                    f"<h1>LiqPay simulator</h1><ul>{rows or '<li>No orders yet.</li>'}</ul>",
                )
            return self._json(404, {"error": "not found"})

        # --- POST --------------------------------------------------------------------

        def do_POST(self):
            path = urlsplit(self.path).path
            if path in ("/api/3/checkout", "/api/3/checkout/"):
                return self.checkout()
            if path == "/api/request":
                return self.api_request()
            parts = path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "checkout" and parts[2] in ("pay", "decline"):
                return self.decide(parts[1], pay=parts[2] == "pay")
            return self._json(404, {"error": "not found"})

        def checkout(self):
            params = self._envelope()
            if params is None:
                return self._html(
                    400, "Error", "<h1>Payment error</h1><p>err_signature: invalid signature</p>"
                )
            try:
                amount = Decimal(str(params.get("amount")))
            except InvalidOperation:
                amount = Decimal(0)
            order_id = str(params.get("order_id") or "")
            problems = []
            if params.get("version") != 3 or params.get("action") != "pay":
                problems.append("version 3 and action pay are required")
            if not amount.is_finite() or amount <= 0:
                problems.append("invalid amount")
            if params.get("currency") not in CURRENCIES:
                problems.append("invalid currency")
            if not order_id or len(order_id) > 255:
                problems.append("invalid order_id")
            if problems:
                return self._html(
                    400, "Error", f"<h1>Payment error</h1><p>{html.escape('; '.join(problems))}</p>"
                )
            with sim.lock:
                order = sim.order(order_id)
                if order is not None and order["status"] not in ("processing", "failure"):
                    return self._html(
                        400, "Error", "<h1>Payment error</h1><p>order_id_duplicate</p>"
                    )
                if order is None or order["status"] == "failure":
                    order = {
                        "order_id": order_id,
                        "liqpay_order_id": f"SIM{secrets.token_hex(6).upper()}",
                        "payment_id": sim.state["next_payment_id"],
                        "token": secrets.token_urlsafe(16),
                        "create_date": int(time.time() * 1000),
                        "callbacks": [],
                    }
                    sim.state["next_payment_id"] += 1
                order.update(
                    amount=str(amount),
                    currency=params["currency"],
                    description=str(params.get("description") or ""),
                    result_url=str(params.get("result_url") or ""),
                    server_url=str(params.get("server_url") or ""),
                    sandbox=params.get("sandbox") in (1, "1", True),
                    status="processing",
                )
                sim.state["orders"][order_id] = order
                sim.save()
            badge = " <span class='badge'>sandbox</span>" if order["sandbox"] else ""
            token = html.escape(order["token"])
            self._html(
                200,
                "LiqPay checkout (simulator)",
                f"<h1>LiqPay{badge}</h1>"
                f"<p>{html.escape(order['description'])}</p>"
                f"<p class='amount'>{html.escape(order['amount'])} "
                f"{html.escape(order['currency'])}</p>"
                f"<p class='muted'>Order {html.escape(order_id)}</p>"
                f"<form method='post' action='/checkout/{token}/pay' style='display:inline'>"
                "<button class='pay' type='submit'>Pay (success)</button></form>"
                f"<form method='post' action='/checkout/{token}/decline' style='display:inline'>"
                "<button class='decline' type='submit'>Decline (failure)</button></form>"
                "<p class='muted'>A simulator: no card, no money.</p>",
            )

        def decide(self, token: str, *, pay: bool):
            with sim.lock:
                order = next((o for o in sim.state["orders"].values() if o["token"] == token), None)
                if order is None or order["status"] != "processing":
                    return self._html(
                        400, "Error", "<h1>Payment error</h1><p>This checkout is closed.</p>"
                    )
                if pay:
                    order["status"] = "sandbox" if order["sandbox"] else "success"
                else:
                    order["status"] = "failure"
                order["end_date"] = int(time.time() * 1000)
                sim.save()
                snapshot = json.loads(json.dumps(order))
            sim.send_callback(snapshot)  # outside the lock: the merchant may call us back
            with sim.lock:
                sim.state["orders"][snapshot["order_id"]]["callbacks"] = snapshot["callbacks"]
                sim.save()
            if snapshot.get("result_url"):
                self.send_response(303)
                self.send_header("Location", snapshot["result_url"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._html(200, "Done", f"<h1>Payment {html.escape(snapshot['status'])}</h1>")

        def api_request(self):
            params = self._envelope()
            if params is None:
                return self._json(
                    200,
                    {"result": "error", "err_code": "err_signature", "err_description": "sign"},
                )
            action = params.get("action")
            order_id = str(params.get("order_id") or "")
            with sim.lock:
                order = sim.order(order_id)
                if order is None:
                    return self._json(
                        200,
                        {
                            "result": "error",
                            "err_code": "payment_not_found",
                            "err_description": "payment not found",
                        },
                    )
                if action == "status":
                    return self._json(200, {"result": "ok", **sim.report(order)})
                if action != "refund":
                    return self._json(
                        200, {"result": "error", "err_code": "err_action_not_supported"}
                    )
                total = Decimal(order["amount"])
                refunded = Decimal(order.get("refund_amount") or "0")
                try:
                    amount = Decimal(str(params.get("amount", total - refunded)))
                except InvalidOperation:
                    amount = Decimal(0)
                if order["status"] not in PAID | {"reversed"}:
                    return self._json(200, {"result": "error", "err_code": "payment_err_status"})
                if amount <= 0 or refunded + amount > total:
                    return self._json(200, {"result": "error", "err_code": "err_amount"})
                order["refund_amount"] = str(refunded + amount)
                order["status"] = "reversed"
                sim.save()
                snapshot = json.loads(json.dumps(order))
            sim.send_callback(snapshot)
            with sim.lock:
                sim.state["orders"][order_id]["callbacks"] = snapshot["callbacks"]
                sim.save()
            return self._json(
                200,
                {
                    "result": "ok",
                    "status": "reversed",
                    "order_id": order_id,
                    "payment_id": snapshot["payment_id"],
                    "refund_amount": number(Decimal(snapshot["refund_amount"])),
                    "public_key": sim.public_key,
                },
            )

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="LiqPay API v3 simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--state-dir", default="var/liqpay")
    parser.add_argument("--public-key", default="sandbox_i000")
    parser.add_argument("--private-key", default="sandbox_secret")
    args = parser.parse_args()
    sim = Simulator(
        public_key=args.public_key,
        private_key=args.private_key,
        state_dir=Path(args.state_dir),
    )
    server = ThreadingHTTPServer((args.host, args.port), make_handler(sim))
    print(f"LiqPay simulator on http://{args.host}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("LiqPay simulator stopped.", flush=True)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
