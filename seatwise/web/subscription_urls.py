from django.urls import path

from seatwise.web import subscription_views, tenant_views

urlpatterns: list = [
    path("account/tenants/", tenant_views.tenants, name="tenants"),
    path("account/tenants/new/", tenant_views.tenant_create, name="tenant_create"),
    path("account/tenants/link/", tenant_views.tenant_link, name="tenant_link"),
    path(
        "account/tenants/domain-status/",
        tenant_views.tenant_domain_status,
        name="tenant_domain_status",
    ),
    path("account/tenants/<int:pk>/", tenant_views.tenant_detail, name="tenant_detail"),
    path(
        "account/tenants/<int:pk>/check/",
        tenant_views.tenant_link_check_view,
        name="tenant_link_check",
    ),
    path("account/subscriptions/", subscription_views.subscriptions, name="subscriptions"),
    path(
        "account/subscriptions/<int:pk>/",
        subscription_views.subscription_detail,
        name="subscription_detail",
    ),
    path(
        "account/subscriptions/<int:pk>/accept-drift/",
        subscription_views.subscription_drift_accept_view,
        name="subscription_drift_accept",
    ),
]
