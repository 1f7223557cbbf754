"""State of the Partner Center sandbox: the JSON document kept in ``{state-dir}/state.json``,
its settings, the sandbox clock and the seeded catalog. Standard library only.

All reads and writes happen while ``Store.lock`` is held; ``save()`` writes the whole
document atomically (temporary file + ``os.replace``).
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import nce

RESERVED_DOMAINS = (
    "contoso",
    "fabrikam",
    "northwind",
    "adventureworks",
    "tailspintoys",
    "wingtiptoys",
    "litware",
    "woodgrove",
)

DEFAULT_SETTINGS: dict = {
    # §12 limits of Microsoft's integration sandbox (0 switches a limit off)
    "max_customers_per_partner": 75,
    "max_subscriptions_per_customer": 5,
    "max_licences_per_subscription": 25,
    "reject_offers_with_min_quantity_above": 25,
    # MCA gate for NCE purchases (400 / 990001); off by default in this sandbox
    "require_customer_agreement": False,
    # token bucket per (partner, customer), requests per minute; 0 = off
    "rate_limit_per_minute": 500,
    # "off", "always" or a probability 0..1; the change is applied after the delay
    "patch_202_mode": "off",
    "patch_202_delay_seconds": 0,
    # renewal in progress: PATCHes of auto-renew, scheduled changes or suspend/reactivate
    # answer 409 / 800082 until this sandbox instant (for the listed ids, or all when empty)
    "renewal_in_progress_until": None,
    "renewal_in_progress_subscription_ids": [],
    "renewal_conflict_retry_after": 120,
    # money (and reconciliation quantities) as JSON strings instead of numbers
    "amounts_as_strings": False,
    "rounding_rule": "line_truncation",
    # an order (and its subscriptions) stays pending for this long (sandbox clock)
    "order_completion_delay_seconds": 0,
    "order_visibility_delay_seconds": 0,
    # checkout holds the cart this long (real time) so concurrent checkouts can be tested
    "checkout_delay_ms": 0,
    "idempotency_replay_window_hours": 24,
    "cart_ttl_days": 7,
    "cancellation_window_hours": 168,
    "full_refund_window_hours": 24,
    "seat_reduction_window_hours": 168,
    "continuation_token_ttl_seconds": 3600,
}


def _decimal_default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


class Catalog:
    """The seeded products, SKUs and availabilities (``catalog.json``)."""

    def __init__(self, path: Path) -> None:
        data = json.loads(path.read_text(), parse_float=Decimal)
        self.currency = data["currency"]
        self.products: list[dict] = data["products"]
        self.product_by_id = {p["id"].lower(): p for p in self.products}
        self.sku_by_key: dict[str, tuple[dict, dict]] = {}
        self.item_by_id: dict[str, tuple[dict, dict, dict]] = {}
        self.entra: dict[str, dict] = {}
        for product in self.products:
            for sku in product["skus"]:
                self.sku_by_key[f"{product['id']}:{sku['id']}".lower()] = (product, sku)
                self.entra.setdefault(sku["entraSkuId"], sku)
                for availability in sku["availabilities"]:
                    key = f"{product['id']}:{sku['id']}:{availability['id']}".lower()
                    self.item_by_id[key] = (product, sku, availability)

    def item(self, catalog_item_id: str) -> tuple[dict, dict, dict] | None:
        return self.item_by_id.get((catalog_item_id or "").lower())

    def sku(self, product_sku: str) -> tuple[dict, dict] | None:
        return self.sku_by_key.get((product_sku or "").lower())

    def entra_name(self, entra_id: str) -> tuple[str, str]:
        """(display name, part number) of an Entra SKU."""
        sku = self.entra[entra_id]
        title = sku["title"].removesuffix(" Trial")
        return title, sku["skuPartNumber"]


class Store:
    def __init__(self, *, state_dir: Path, overrides: dict | None = None) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "state.json"
        self.lock = threading.Lock()
        self.overrides = dict(overrides or {})
        self.state = self.initial()
        if self.path.exists():
            loaded = json.loads(self.path.read_text())
            self.state.update(loaded)
            self.state["settings"] = {**DEFAULT_SETTINGS, **loaded.get("settings", {})}
        self.state["settings"].update(self.overrides)

    def initial(self) -> dict:
        return {
            "version": 1,
            "secret": secrets.token_hex(16),
            "clock": {"offset_seconds": 0, "frozen_at": None},
            "settings": {**DEFAULT_SETTINGS, **self.overrides},
            "tenants": {},
            "agreements": [],
            "carts": {},
            "orders": {},
            "subscriptions": {},
            "users": {},
            "requests": {},
        }

    def reset(self) -> None:
        self.state = self.initial()
        self.save()

    def save(self) -> None:
        self.prune_requests()
        tmp = self.path.with_name(f"state.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(self.state, indent=1, default=_decimal_default))
        os.replace(tmp, self.path)

    # --- settings ----------------------------------------------------------------------

    @property
    def settings(self) -> dict:
        return self.state["settings"]

    def update_settings(self, changes: dict) -> list[str]:
        """Apply known keys; returns the unknown ones (nothing is applied if any)."""
        unknown = [key for key in changes if key not in DEFAULT_SETTINGS]
        if not unknown:
            self.settings.update(changes)
        return unknown

    # --- clock -------------------------------------------------------------------------

    def now(self) -> datetime:
        clock = self.state["clock"]
        if clock.get("frozen_at"):
            moment = nce.parse_datetime(clock["frozen_at"])
        else:
            moment = datetime.now(UTC) + timedelta(seconds=clock["offset_seconds"])
        return moment.replace(microsecond=0)

    def set_clock(self, body: dict) -> None:
        clock = self.state["clock"]
        if body.get("reset"):
            clock.update(offset_seconds=0, frozen_at=None)
        if body.get("now"):
            target = nce.parse_datetime(str(body["now"]))
            if clock.get("frozen_at"):
                clock["frozen_at"] = nce.iso(target)
            else:
                clock["offset_seconds"] = (target - datetime.now(UTC)).total_seconds()
        delta = timedelta(
            days=float(body.get("advance_days") or 0),
            hours=float(body.get("advance_hours") or 0),
            seconds=float(body.get("advance_seconds") or 0),
        )
        if delta:
            if clock.get("frozen_at"):
                clock["frozen_at"] = nce.iso(nce.parse_datetime(clock["frozen_at"]) + delta)
            else:
                clock["offset_seconds"] += delta.total_seconds()
        if "freeze" in body:
            if body["freeze"] and not clock.get("frozen_at"):
                clock["frozen_at"] = nce.iso(self.now())
            elif not body["freeze"] and clock.get("frozen_at"):
                frozen = nce.parse_datetime(clock["frozen_at"])
                clock["offset_seconds"] = (frozen - datetime.now(UTC)).total_seconds()
                clock["frozen_at"] = None

    def clock_view(self) -> dict:
        clock = self.state["clock"]
        return {
            "now": nce.iso(self.now()),
            "offsetSeconds": round(clock["offset_seconds"]),
            "frozen": bool(clock.get("frozen_at")),
        }

    # --- idempotency records -------------------------------------------------------------

    def prune_requests(self) -> None:
        window = timedelta(hours=float(self.settings["idempotency_replay_window_hours"]))
        cutoff = self.now() - window
        requests = self.state["requests"]
        for key in [k for k, r in requests.items() if nce.parse_datetime(r["at"]) < cutoff]:
            del requests[key]

    def snapshot(self) -> dict:
        return copy.deepcopy(self.state)
