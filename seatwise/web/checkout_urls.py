from django.urls import path

from seatwise.web import checkout_views

urlpatterns = [
    path("checkout/", checkout_views.checkout_billing, name="checkout"),
    path("checkout/shipping/", checkout_views.checkout_shipping, name="checkout_shipping"),
    path(
        "checkout/shipping-method/",
        checkout_views.checkout_shipping_method,
        name="checkout_shipping_method",
    ),
    path("checkout/payment/", checkout_views.checkout_payment, name="checkout_payment"),
    path("checkout/agreements/", checkout_views.checkout_agreements, name="checkout_agreements"),
    path("checkout/confirm/", checkout_views.checkout_confirm, name="checkout_confirm"),
    path(
        "checkout/tenant-status/",
        checkout_views.checkout_tenant_status,
        name="checkout_tenant_status",
    ),
    path(
        "account/orders/<str:number>/payment/",
        checkout_views.order_payment,
        name="order_payment",
    ),
    path(
        "account/orders/<str:number>/pay-again/",
        checkout_views.order_pay_again,
        name="order_pay_again",
    ),
]
