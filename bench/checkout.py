"""Benchmark: checkout transactions per second (a cart of 3 lines becomes a placed order)
against a bare atomic transaction that writes the same rows, in-process on PostgreSQL.

Targets (same process, same database connection, same data):

* ``checkout``: ``checkout_place`` with the invoice payment method (no external HTTP) and a
  fresh idempotency key, on the buyer's cart of 3 lines. The issue measures "cart -> placed
  order": the cart is filled before each transaction (``cart_line_add`` x 3, untimed), and
  the clock runs over the checkout transaction alone.
* ``checkout_cold``: the same, with the catalogue cache emptied before each transaction (a
  generation bump, untimed), so the offers, prices and shipping quotes are read from the
  database (ADR 0018); reported beside the goal, not against it.
* ``bare``: one ``transaction.atomic()`` that writes the same rows with plain
  ``Model.objects.create`` / ``bulk_create`` / ``update``: the order number counter, the
  order, 3 order lines, 2 order events, the notification row, the payment and its event, and
  empties the cart (its 3 lines are bulk-created before, untimed). No validation, no
  pricing, no reads beyond the counter.

It creates a fresh database, migrates, seeds a provider, reseller, contract customer with an
owner, 3 priced offers (2 Microsoft, 1 book), places one checkout and one bare transaction
under ``CaptureQueriesContext`` (query counts, and a check that both write the same tables),
warms up, measures the targets in rounds (taking turns transaction by transaction), prints
transactions/second and the ratio, writes ``bench/results/checkout-<time>.json``, and drops
the database.

Usage: ``python bench/checkout.py [--duration 3] [--rounds 5] ...`` (see ``--help``).
Goal: checkout / bare >= 0.60.
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
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
GOAL = 0.60


@dataclass
class Target:
    name: str
    tps: list[float] = field(default_factory=list)
    queries: int = 0
    writes: dict[str, int] = field(default_factory=dict)  # write statements per table
    rows: dict[str, int] = field(default_factory=dict)  # rows added per table

    @property
    def median(self) -> float | None:
        return statistics.median(self.tps) if self.tps else None


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


def setup_django(args, var_dir: Path) -> None:
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    os.environ.update(
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
        }
    )
    # The default Celery broker is a directory (config/settings/base.py): the notifications a
    # checkout sends are queued there after commit, as a worker-less deployment would.
    for name in ("out", "processed", "control"):
        (var_dir / "broker" / name).mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Data ---------------------------------------------------------------------------------


@dataclass
class Shop:
    provider: object
    seller: object
    customer: object
    buyer: object
    bare_buyer: object
    offers: list  # (offer, billing plan, quantity)
    viewer: object = None


def seed() -> Shop:
    """The cart tests' catalogue (``build_cart_shop``): 2 Microsoft offers (Office E3 and its
    Teams add-on) and a shippable book from a store vendor, for a contract customer (pays by
    invoice) with an owner; a second owner for the bare target's cart."""
    from seatwise.cart.selectors import cart_viewer_get
    from seatwise.cart.tests.factories import build_cart_shop
    from seatwise.catalog.enums import VendorKind
    from seatwise.catalog.models import Product
    from seatwise.catalog.tests.factories import make_vendor
    from seatwise.pricing.selectors import price_context_get
    from seatwise.tenancy.tests.factories import make_member

    data = build_cart_shop()
    press = make_vendor("Tech Press", VendorKind.STORE)
    Product.objects.filter(pk=data.book_offer.product_id).update(vendor=press)
    data.book_offer.refresh_from_db()
    data.customer.is_contract_customer = True
    data.customer.save(update_fields=["is_contract_customer"])
    viewer = cart_viewer_get(
        organization=data.customer,
        provider=data.provider,
        price_context=price_context_get(provider=data.provider, viewer=data.customer),
        currency="USD",
    )
    offers = [(data.e3, 2), (data.teams_addon, 1), (data.book_offer, 1)]
    return Shop(
        provider=data.provider,
        seller=viewer.seller,
        customer=data.customer,
        buyer=make_member(data.customer),
        bare_buyer=make_member(data.customer),
        offers=[(offer, offer.billing_plans[0], quantity) for offer, quantity in offers],
        viewer=viewer,
    )


# --- Targets ------------------------------------------------------------------------------


def prepare_checkout(shop: Shop):
    """The buyer's cart with 3 lines, as the product pages fill it (untimed)."""
    from seatwise.cart.services import cart_get_or_create, cart_line_add

    cart = cart_get_or_create(session_key="", user=shop.buyer, organization=shop.customer)
    lines = [
        cart_line_add(cart=cart, offer=offer, billing_plan=plan, quantity=quantity)
        for offer, plan, quantity in shop.offers
    ]
    return cart, lines


def run_checkout(shop: Shop, prepared):
    """Place the cart: what the confirm page does."""
    from seatwise.cart.checkout import CheckoutDetails, checkout_place
    from seatwise.orders.enums import PaymentMethod
    from seatwise.orders.services import BillingAddress

    cart, lines = prepared
    details = CheckoutDetails(
        billing=BillingAddress(
            name="Fabrikam School",
            address_line1="1 Khreshchatyk St",
            postal_code="01001",
            city="Kyiv",
            country="UA",
        ),
        payment_method=PaymentMethod.INVOICE,
        accept_mca=True,
        accept_vendor_terms=True,
        target_tenants={line.pk: "fabrikam" for line in lines},
        ship_to_billing=True,
    )
    result = checkout_place(
        user=shop.buyer,
        cart=cart,
        viewer=shop.viewer,
        provider=shop.provider,
        details=details,
        idempotency_key=uuid.uuid4().hex,
        ip="203.0.113.7",
    )
    assert result.created and result.payment is not None
    return result


def prepare_bare(shop: Shop):
    """The bare buyer's cart with 3 lines, bulk-created (untimed)."""
    from seatwise.cart.models import Cart, CartLine

    cart, _ = Cart.objects.get_or_create(user=shop.bare_buyer, organization=shop.customer)
    lines = CartLine.objects.bulk_create(
        CartLine(
            cart=cart,
            organization=shop.customer,
            offer=offer,
            term=offer.term,
            billing_plan=plan,
            quantity=quantity,
        )
        for offer, plan, quantity in shop.offers
    )
    return cart, lines


def run_bare(shop: Shop, prepared):
    """The same rows as the checkout, written directly in one transaction."""
    from decimal import Decimal

    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from seatwise.cart.models import Cart, CartLine
    from seatwise.notifications.models import Delivery
    from seatwise.orders.enums import OrderStatus, PaymentMethod
    from seatwise.orders.models import Order, OrderEvent, OrderLine, OrderNumberCounter
    from seatwise.payments.enums import Gateway
    from seatwise.payments.models import Payment, PaymentEvent

    org = shop.customer
    now = timezone.now()
    cart, cart_lines = prepared
    with transaction.atomic():
        # The day's counter row exists: the first checkout created it (see ``main``).
        counters = OrderNumberCounter.objects.filter(day=now.date())
        counters.update(last=F("last") + 1)
        number = f"B{now:%Y%m%d}-{counters.values_list('last', flat=True).get():06d}"
        order = Order.objects.create(
            organization=org,
            placed_by=shop.bare_buyer,
            seller=shop.seller,
            number=number,
            status=OrderStatus.PLACED,
            currency="USD",
            subtotal=Decimal("100.00"),
            discount=0,
            extra_charge=0,
            shipping=0,
            tax=0,
            total=Decimal("100.00"),
            payment_method=PaymentMethod.INVOICE,
            billing_name="Fabrikam School",
            billing_address_line1="1 Khreshchatyk St",
            billing_postal_code="01001",
            billing_city="Kyiv",
            billing_country="UA",
            idempotency_key=uuid.uuid4().hex,
            created_at=now,
            placed_at=now,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                organization=org,
                offer=line.offer,
                position=position,
                product_name="Product",
                offer_name="Offer",
                sku="SKU",
                term=line.term,
                billing_plan=line.billing_plan,
                quantity=line.quantity,
                unit_price=Decimal("10.00"),
                line_total=Decimal("10.00") * line.quantity,
            )
            for position, line in enumerate(cart_lines)
        )
        OrderEvent.objects.create(
            order=order, organization=org, to_status=OrderStatus.PLACED, at=now
        )
        Delivery.objects.create(
            organization=org,
            event="order.placed",
            channel="email",
            recipient=shop.bare_buyer.email,
            language="en",
            subject=f"Order {number} placed",
            preview="Your order was placed.",
            payload={"order": order.pk},
            idempotency_key=f"order.placed:{order.pk}",
        )
        payment = Payment.objects.create(
            organization=org,
            reference=number,
            gateway=Gateway.INVOICE,
            amount=Decimal("100.00"),
            currency="USD",
            description=f"Seatwise order {number}",
            gateway_order_id=uuid.uuid4().hex,
        )
        PaymentEvent.objects.create(
            organization=org, payment=payment, kind="created", status_after=payment.status
        )
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.AWAITING_PAYMENT)
        OrderEvent.objects.create(
            order=order,
            organization=org,
            from_status=OrderStatus.PLACED,
            to_status=OrderStatus.AWAITING_PAYMENT,
            at=now,
        )
        CartLine.objects.filter(cart=cart).delete()
        Cart.objects.filter(pk=cart.pk).update(coupon_code="", updated_at=now)
    return order


def prepare_checkout_cold(shop: Shop):
    """The cart as above, then the catalogue's generation bumped (untimed), as a price or
    catalogue write would: the checkout reads its offers, prices and shipping quotes from the
    database and fills the cache again (ADR 0018)."""
    from seatwise.core.cache import generation_bump

    prepared = prepare_checkout(shop)
    generation_bump()
    return prepared


RUNNERS = {
    "checkout": (prepare_checkout, run_checkout),
    "checkout_cold": (prepare_checkout_cold, run_checkout),
    "bare": (prepare_bare, run_bare),
}

_WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"(\w+)"')


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.db_table: m._base_manager.count() for m in apps.get_models()}


def count_queries(target: Target, shop: Shop) -> list[str]:
    """Run ``target`` once: its query count, its write statements per table, and the rows it
    leaves behind per table (inserted minus deleted, from counting every table around it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prepare, run = RUNNERS[target.name]
    prepared = prepare(shop)
    before = _row_counts()
    with CaptureQueriesContext(connection) as captured:
        run(shop, prepared)
    after = _row_counts()
    sql = [q["sql"] for q in captured.captured_queries]
    target.queries = len(sql)
    statements = Counter()
    for statement in sql:
        match = _WRITE.match(statement)
        if match:
            statements[f"{match.group(1).split()[0]} {match.group(2)}"] += 1
    target.writes = dict(sorted(statements.items()))
    target.rows = {t: after[t] - before[t] for t in sorted(after) if after[t] != before[t]}
    return sql


def timed(name: str, shop: Shop, seconds: float) -> float:
    """Transactions/second of ``name`` in a closed loop for ``seconds`` of its own time (the
    untimed preparation of each transaction is not counted)."""
    prepare, run = RUNNERS[name]
    count, spent = 0, 0.0
    while spent < seconds:
        prepared = prepare(shop)
        started = time.perf_counter()
        run(shop, prepared)
        spent += time.perf_counter() - started
        count += 1
    return count / spent


def measure(targets: list[Target], shop: Shop, args) -> None:
    """Each round alternates the targets transaction by transaction (one of each in turn,
    the order rotating every turn) for ``args.duration`` seconds of each target's own time,
    so that the machine's speed, which drifts by tens of percent over seconds on a shared
    host, is the same for all of them."""
    log(f"warm-up {args.warmup} s per target")
    for target in targets:
        timed(target.name, shop, args.warmup)
    for round_number in range(args.rounds):
        spent = dict.fromkeys((t.name for t in targets), 0.0)
        count = dict.fromkeys(spent, 0)
        turn = 0
        while min(spent.values()) < args.duration:
            shift = turn % len(targets)
            for target in targets[shift:] + targets[:shift]:
                prepare, run = RUNNERS[target.name]
                prepared = prepare(shop)
                started = time.perf_counter()
                run(shop, prepared)
                spent[target.name] += time.perf_counter() - started
                count[target.name] += 1
            turn += 1
        for target in targets:
            tps = count[target.name] / spent[target.name]
            target.tps.append(round(tps, 1))
            log(f"round {round_number + 1}/{args.rounds} {target.name:<13} {tps:8.1f} tx/s")


# --- Report -------------------------------------------------------------------------------


def ratio(a: Target, b: Target) -> float | None:
    """The median of the per-round ratios (both targets of a round run back to back)."""
    pairs = [x / y for x, y in zip(a.tps, b.tps, strict=False) if y]
    return round(statistics.median(pairs), 3) if pairs else None


def _git(*argv: str) -> str:
    try:
        out = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def report(args, targets: list[Target]) -> dict:
    by_name = {t.name: t for t in targets}
    value = ratio(by_name["checkout"], by_name["bare"])
    cold = ratio(by_name["checkout_cold"], by_name["bare"])
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
            "in_process": True,
            "cart_building_timed": True,
            "lines": 3,
            "payment_method": "invoice",
            "seconds_per_round": args.duration,
            "rounds": args.rounds,
            "warmup_seconds": args.warmup,
        },
        "targets": {
            t.name: {
                "tps_median": t.median,
                "tps_rounds": t.tps,
                "queries": t.queries,
                "write_statements": t.writes,
                "rows_added": t.rows,
            }
            for t in targets
        },
        "ratios": {"checkout_to_bare": value, "checkout_cold_to_bare": cold},
        "goal": {"checkout_to_bare": GOAL, "met": value is not None and value >= GOAL},
    }

    print()
    print(f"{'target':<13} {'tx/s (median)':>14} {'queries':>8}  per round")
    for t in targets:
        print(f"{t.name:<13} {t.median:>14.1f} {t.queries:>8}  {t.tps}")
    shown = "n/a" if value is None else f"{value:.2f}"
    print(f"checkout_to_bare {shown}  (median of per-round ratios)")
    if cold is not None:
        print(f"checkout_cold_to_bare {cold:.2f}  (catalogue cache emptied before each)")
    print(f"goal checkout / bare >= {GOAL:.2f}: {'met' if result['goal']['met'] else 'NOT met'}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per target per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=1, help="seconds per target")
    parser.add_argument(
        "--settings", default="bench.settings", help="settings module (to try a variant)"
    )
    parser.add_argument("--show-queries", action="store_true", help="print both query lists")
    parser.add_argument("--db", default="seatwise_bench_checkout")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--pg-host", default=HOST)
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--pg-user", default="postgres")
    args = parser.parse_args(argv)
    if args.pg_host not in (HOST, "localhost"):
        parser.error("the benchmark only talks to 127.0.0.1")

    var_dir = Path(tempfile.mkdtemp(prefix="seatwise-bench-"))
    try:
        log(f"database {args.db}: create, migrate, seed")
        create_database(args)
        setup_django(args, var_dir)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        shop = seed()
        targets = [Target("checkout"), Target("checkout_cold"), Target("bare")]
        # The first checkout records the MCA acceptance and creates the day's order counter.
        run_checkout(shop, prepare_checkout(shop))
        run_bare(shop, prepare_bare(shop))
        for target in targets:
            sql = count_queries(target, shop)
            log(f"{target.name}: {target.queries} queries, rows added {target.rows}")
            log(f"{target.name}: write statements {target.writes}")
            if args.show_queries:
                print("\n".join(f"  {s[:160]}" for s in sql))
        if targets[0].rows != targets[-1].rows:
            log(f"note: the rows differ: {targets[0].rows} vs {targets[-1].rows}")
        measure(targets, shop, args)
        result = report(args, targets)
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = RESULTS / f"checkout-{stamp}.json"
        out.write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "checkout-latest.json").write_text(json.dumps(result, indent=2) + "\n")
        log(f"wrote {out.relative_to(ROOT)}")
        connection.close()
        return 0
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if not args.keep_db:
            with contextlib.suppress(Exception):
                drop_database(args)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
