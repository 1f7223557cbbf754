from django.urls import path

from seatwise.web import payment_settings

urlpatterns = [
    path(
        "organizations/settings/payment-methods/",
        payment_settings.payment_settings,
        name="payment_settings",
    ),
]
