from seatwise.core.errors import NotFoundError, ValidationError


class AuditDetailsRejected(ValidationError):
    """Details that look like they carry a secret (a password, a code, a token, a key)."""

    code = "audit_details_rejected"


class UnknownAuditEvent(ValidationError):
    code = "unknown_audit_event"


class AuditPageNotFound(NotFoundError):
    code = "page_out_of_range"
