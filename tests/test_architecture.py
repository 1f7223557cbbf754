"""Rules of CONVENTIONS.md that a test can hold."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin

ROOT = Path(__file__).resolve().parent.parent
SEATWISE = ROOT / "seatwise"

# Tables that are not owned by one organization, and why.
GLOBAL_MODELS = {
    "core.CacheGeneration": "a cache counter per namespace, not business data",
    "identity.User": "a person may belong to several organizations (through Membership)",
    "identity.VerificationCode": "sent to an address before any organization exists",
    "tenancy.Organization": "the tenant itself; its place in the tree is parent_id",
    "connectors.TenantDomain": "the embedded connector's copy of Microsoft's global domain names",
    "catalog.Vendor": "shared vendor catalogue",
    "catalog.Category": "shared vendor catalogue",
    "catalog.Product": "shared vendor catalogue",
    "catalog.Offer": "shared vendor catalogue",
    "orders.OrderNumberCounter": "one order-number sequence per day across all sellers",
    "orders.InvoiceNumberCounter": "one invoice-number sequence per year across all sellers",
}

MONEY_APPS = ("pricing", "cart", "orders", "payments", "billing", "subscriptions")


def _seatwise_models():
    return [m for m in apps.get_models() if m.__module__.startswith("seatwise.")]


def test_every_organization_owned_table_has_an_indexed_organization_id():
    missing = []
    for model in _seatwise_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if label in GLOBAL_MODELS:
            continue
        try:
            field = model._meta.get_field("organization")
        except Exception:
            missing.append(label)
            continue
        if field.related_model is not apps.get_model("tenancy", "Organization"):
            missing.append(f"{label} (organization is not a tenancy.Organization key)")
        elif not (field.db_index or field.unique):
            missing.append(f"{label} (organization_id is not indexed)")
    assert missing == [], (
        "These tables lack organization_id; add it or list them in GLOBAL_MODELS with a reason"
    )


def test_global_models_list_names_real_models():
    labels = {f"{m._meta.app_label}.{m.__name__}" for m in _seatwise_models()}
    assert set(GLOBAL_MODELS) <= labels


def test_no_float_near_money():
    offenders = []
    for app in MONEY_APPS:
        for path in (SEATWISE / app).rglob("*.py") if (SEATWISE / app).exists() else []:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\bfloat\(|FloatField|: float\b", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    core_money = (SEATWISE / "core" / "money.py").read_text()
    assert "float(" not in core_money
    assert offenders == []


def test_every_model_has_an_admin():
    unregistered = [
        f"{m._meta.app_label}.{m.__name__}"
        for m in _seatwise_models()
        if not admin.site.is_registered(m)
    ]
    assert unregistered == []


@pytest.mark.parametrize(
    "module",
    sorted(
        p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
        for p in SEATWISE.glob("*/services.py")
    ),
)
def test_services_take_keyword_only_arguments(module):
    loaded = importlib.import_module(module)
    positional = []
    for name, function in inspect.getmembers(loaded, inspect.isfunction):
        if function.__module__ != loaded.__name__ or name.startswith("_"):
            continue
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
                positional.append(f"{name}({parameter.name})")
    assert positional == []
