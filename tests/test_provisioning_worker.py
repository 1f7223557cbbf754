"""Fault tests of issue 5 with real workers: ``celery -A config worker`` processes on a real
broker (the filesystem broker; Redis in CI's second run) and a database shared with them
(SQLite file; PostgreSQL in CI's second run), provisioning through the Partner Center sandbox.

* A worker killed with SIGKILL in the middle of a run (it and its pool children, nothing
  acknowledged or cleaned up) and another started: the sweep takes back the dead worker's
  claims and every order completes, each line bought exactly once.
* The broker down while customers pay: the orders are kept with their provisioning requests
  queued; once the broker is back, the sweep queues them and a worker completes them, once.

The scenario runs out of process (``tests/worker_harness.py``, ``tests/worker_settings.py``).
"""

from __future__ import annotations

import secrets
from collections import Counter

import pytest

from tests.worker_harness import CLOSED_REDIS, Scenario, broker_folders, migrated_database

SUCCEEDED = "succeeded"
IN_PROGRESS = "in_progress"
QUEUED = "queued"


@pytest.fixture(scope="module")
def template_database(tmp_path_factory):
    database = migrated_database(tmp_path_factory.mktemp("worker-db"))
    yield database
    database.drop()


@pytest.fixture
def scenario(template_database, partner_center_sandbox, tmp_path):
    partner_center_sandbox.reset()
    partner_center_sandbox.control("settings", {"max_subscriptions_per_customer": 100})
    database = template_database.copy(tmp_path, secrets.token_hex(4))
    scenario = Scenario(directory=tmp_path, database=database, sandbox=partner_center_sandbox)
    try:
        yield scenario
    finally:
        try:
            scenario.close()  # every worker stopped, its process group killed; broker keys gone
        finally:
            database.drop()
            partner_center_sandbox.reset()


def _seed(scenario: Scenario, *, orders: int, customers: int, **env: str) -> tuple[dict, str]:
    return scenario.script(
        "seed",
        "--orders",
        str(orders),
        "--customers",
        str(customers),
        "--tenant-prefix",
        f"swworker{secrets.token_hex(3)}x",
        **env,
    )


def _all_succeeded(scenario: Scenario, count: int):
    def check():
        statuses = scenario.database.statuses()
        return statuses[SUCCEEDED] == count, dict(statuses)

    return check


def _assert_provisioned_exactly_once(scenario: Scenario, quantities: dict[str, int]) -> dict:
    """Every order completed; at the vendor one tenant per customer and one subscription per
    line, of the line's quantity, none twice; Seatwise's records are the vendor's."""
    report, _log = scenario.script("report")
    count = len(quantities)
    assert set(report["orders"]) == set(quantities)
    assert Counter(report["orders"].values()) == {"completed": count}
    assert Counter(line["status"] for line in report["lines"]) == {"provisioned": count}
    assert Counter(r["status"] for r in report["requests"]) == {SUCCEEDED: count}

    sandbox = scenario.sandbox
    tenants = {t["id"] for t in sandbox.control("customers")["items"]}
    assert tenants == {a["customer_id"] for a in report["accounts"]}
    assert len(tenants) == len(report["accounts"])
    remote = [
        (s["id"], tenant, s["quantity"])
        for tenant in tenants
        for s in sandbox.subscriptions(tenant)
    ]
    assert len(remote) == count
    assert len({subscription_id for subscription_id, _, _ in remote}) == count
    local = [(s["id"], s["customer_id"], s["quantity"]) for s in report["subscriptions"]]
    assert sorted(local) == sorted(remote)
    bought = {subscription_id: quantity for subscription_id, _, quantity in remote}
    assert sorted(
        (str(r["order"]), bought[r["subscription"]]) for r in report["requests"]
    ) == sorted(quantities.items())
    return report


def _bought(sandbox) -> int:
    """How many subscriptions the vendor holds, over every customer of the partner."""
    return sum(
        len(sandbox.subscriptions(tenant["id"])) for tenant in sandbox.control("customers")["items"]
    )


def test_a_worker_killed_mid_run_and_restarted_provisions_every_order_exactly_once(scenario):
    orders, customers = 20, 10  # two orders a tenant: the tenant is created once
    sandbox = scenario.sandbox
    sandbox.control("settings", {"checkout_delay_ms": 400})  # the kill lands mid-purchase
    # One checkout buys, then its answer hangs: when the worker is killed, Microsoft has
    # made that purchase and Seatwise has not recorded it.
    sandbox.control(
        "faults",
        {
            "next": [
                {
                    "method": "POST",
                    "path": "/checkout",
                    "kind": "timeout",
                    "when": "after",
                    "seconds": 45,
                }
            ]
        },
    )
    scenario.broker_up()
    seeded, _log = _seed(scenario, orders=orders, customers=customers)
    assert scenario.database.statuses() == {QUEUED: orders}

    worker_a = scenario.worker("a")

    def midway():
        statuses = scenario.database.statuses()
        hung = not sandbox.control("faults")["next"]
        return hung and statuses[SUCCEEDED] >= 3 and statuses[IN_PROGRESS] >= 1, dict(statuses)

    scenario.wait_for("worker A to be part-way through", midway, timeout=40)
    worker_a.kill()
    at_kill = scenario.database.statuses()
    left = {
        pk
        for (pk,) in scenario.database.query(
            "SELECT id FROM orders_provisioningrequest WHERE status = 'in_progress'"
        )
    }
    assert left and 0 < at_kill[SUCCEEDED] < orders, f"the kill did not land mid-run: {at_kill}"
    # The vendor finishes what it was doing: at least the hung purchase is bought, unrecorded.
    scenario.wait_for(
        "the purchase whose answer hung to be made",
        lambda: (_bought(sandbox) > at_kill[SUCCEEDED], _bought(sandbox)),
        timeout=15,
    )

    worker_b = scenario.worker("b", beat=True)  # beat: the sweep, every second
    scenario.wait_for(
        "every request to succeed after the restart", _all_succeeded(scenario, orders), timeout=60
    )
    worker_b.stop()

    # Exactly once, the lost answers included: repeated, they bought nothing more.
    _assert_provisioned_exactly_once(scenario, seeded["quantities"])
    # The claims the dead worker left were taken back by the sweep and run again.
    retried = dict(
        scenario.database.query(
            "SELECT id, attempts FROM orders_provisioningrequest WHERE attempts > 1"
        )
    )
    assert left <= set(retried), (left, retried)


def test_orders_paid_while_the_broker_is_down_complete_exactly_once_when_it_is_back(scenario):
    orders, customers = 8, 4
    if scenario.broker.startswith("filesystem://"):
        down: dict[str, str] = {}  # the broker's folders do not exist (yet)
        assert not any(folder.exists() for folder in broker_folders(scenario.var_dir))
    else:
        down = {"CELERY_BROKER_URL": CLOSED_REDIS}
    seeded, log = _seed(scenario, orders=orders, customers=customers, **down)

    # Paid and kept: the orders wait in provisioning, their requests queued, untouched.
    report, _log = scenario.script("report")
    assert Counter(report["orders"].values()) == {"provisioning": orders}
    assert [(r["status"], r["attempts"]) for r in report["requests"]] == [(QUEUED, 0)] * orders
    # Each provisioning send after commit failed and was only logged, with the task's name.
    assert log.count("Could not queue orders.provision(") == orders, log[-3000:]

    # The broker is back; a worker and its sweep pick the orders up.
    scenario.broker_up()
    worker = scenario.worker("w", beat=True)
    scenario.wait_for(
        "every request to succeed once the broker is back",
        _all_succeeded(scenario, orders),
        timeout=60,
    )
    worker.stop()

    report = _assert_provisioned_exactly_once(scenario, seeded["quantities"])
    # Queued again every second by the sweep, yet each request ran once.
    assert [r["attempts"] for r in report["requests"]] == [1] * orders
