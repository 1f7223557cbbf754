from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "seatwise.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Notification events of orders, and the payment events that move an order
        # (payments sits below orders and never imports it: it publishes, we subscribe).
        from seatwise.orders import invoices, notifications, subscribers

        notifications.register()
        subscribers.register()
        invoices.register()  # the invoice of an order paid by invoice, and its e-mail
