from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventType(models.TextChoices):
    """Stable codes of the event log. Add codes; never rename or reuse one."""

    # Sign-in and account security (recorded in every organization the user belongs to).
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKOUT = "lockout", _("Locked out after failed attempts")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    EMAIL_CHANGED = "email_changed", _("E-mail address changed")
    PHONE_CHANGED = "phone_changed", _("Phone number changed")
    MFA_ENABLED = "mfa_enabled", _("Second factor added")
    MFA_DISABLED = "mfa_disabled", _("Second factor removed")
    SESSIONS_ENDED = "sessions_ended", _("Other sessions ended")
    # People and roles in the organization.
    MEMBERSHIP_ADDED = "membership_added", _("Member added")
    MEMBERSHIP_REMOVED = "membership_removed", _("Member removed")
    ROLE_CHANGED = "role_changed", _("Role changed")
    INVITATION_SENT = "invitation_sent", _("Invitation sent")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    INVITATION_DECLINED = "invitation_declined", _("Invitation declined")
    INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
    TERMS_ACCEPTED = "terms_accepted", _("Terms accepted")
    ACTING_AS = "acting_as", _("Staff of a parent organization started acting here")
    SETTINGS_CHANGED = "settings_changed", _("Settings changed")
    ADDRESS_BOOK_CHANGED = "address_book_changed", _("Address book changed")
    # API keys.
    API_KEY_CREATED = "api_key_created", _("API key created")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    API_KEY_USED_FIRST = "api_key_used_first", _("API key used for the first time")
    # Orders.
    ORDER_SAVED_FOR_LATER = "order_saved_for_later", _("Order saved for later")
    ORDER_DRAFT_RESUMED = "order_draft_resumed", _("Saved order resumed")
    # Tenants and subscriptions.
    TENANT_REQUESTED = "tenant_requested", _("New tenant requested")
    TENANT_LINK_REQUESTED = "tenant_link_requested", _("Existing tenant link requested")
    PROVISIONING_RETRIED = "provisioning_retried", _("Provisioning retried by an operator")
    PROVISIONING_CANCELLED = "provisioning_cancelled", _("Provisioning cancelled by an operator")
    SUBSCRIPTION_DRIFT_ACCEPTED = (
        "subscription_drift_accepted",
        _("Subscription changed to the vendor's values"),
    )
