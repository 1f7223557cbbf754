from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "seatwise.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from seatwise.web.cart_views import cart_merge_on_login

        user_logged_in.connect(cart_merge_on_login, dispatch_uid="seatwise.web.cart_merge")
