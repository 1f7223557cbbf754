from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "seatwise.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # The apps below tell the log about things through events and Django's auth
        # signals; audit may not be imported by them (ARCHITECTURE.md).
        from seatwise.audit import subscribers

        subscribers.register()
