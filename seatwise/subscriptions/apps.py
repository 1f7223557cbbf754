from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "seatwise.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        from seatwise.subscriptions import notifications

        notifications.register()
