"""Celery tasks of tenants and subscriptions: an id in, one service call, safe to run twice."""

from celery import shared_task

from seatwise.connectors.exceptions import ConnectorUnavailable
from seatwise.subscriptions.services import (
    subscriptions_sync_all,
    tenant_create_at_vendor,
    tenant_link_check_pending,
    tenants_create_requested,
)


@shared_task(
    name="subscriptions.tenant_create",
    autoretry_for=(ConnectorUnavailable,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=10,
)
def tenant_create_task(account_id: int) -> str:
    """Create a requested tenant at Microsoft. A vendor refusal is kept on the tenant; a
    vendor that cannot answer is retried here, then by the periodic sweep."""
    from seatwise.connectors.exceptions import VendorError

    try:
        return tenant_create_at_vendor(account_id=account_id).status
    except VendorError as error:
        return f"refused: {error.code}"


@shared_task(name="subscriptions.tenants_sweep")
def tenants_sweep_task() -> str:
    created = tenants_create_requested()
    linked = tenant_link_check_pending()
    return f"created {created}, linked {linked}"


@shared_task(name="subscriptions.sync")
def subscriptions_sync_task() -> int:
    return subscriptions_sync_all()
