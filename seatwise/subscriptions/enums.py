from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountStatus(models.TextChoices):
    """A customer's account at a vendor (a Microsoft tenant)."""

    REQUESTED = "requested", _("To be created")  # a new tenant, created at provisioning
    ACTIVE = "active", _("Active")
    LINK_PENDING = "link_pending", _("Awaiting the customer's acceptance")
    FAILED = "failed", _("Failed")


class AccountOrigin(models.TextChoices):
    CREATED = "created", _("Created by us")
    LINKED = "linked", _("Existing, linked")


class SubscriptionStatus(models.TextChoices):
    """The vendor's subscription states (Partner Center §3), lower case."""

    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DELETED = "deleted", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    DISABLED = "disabled", _("Disabled")
    NONE = "none", _("Unknown")
