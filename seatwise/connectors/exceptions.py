from seatwise.core.errors import ApplicationError, ConflictError, ValidationError


class ConnectorUnavailable(ApplicationError):
    """The vendor could not answer now (network, timeout, 5xx, 429): try again later."""

    code = "connector_unavailable"
    status = 503


class UnknownConnector(ApplicationError):
    code = "unknown_connector"
    status = 500


class InvalidTenantDomain(ValidationError):
    code = "invalid_tenant_domain"


class TenantDomainTaken(ConflictError):
    code = "tenant_domain_taken"


class VendorError(ApplicationError):
    """The vendor refused the operation and will refuse it again on retry (a business rule,
    bad input). ``vendor_code`` is the vendor's error code, ``message`` its description."""

    code = "vendor_error"
    status = 422

    def __init__(self, message: str, *, vendor_code: str = "", details=None, code=None):
        super().__init__(message, code=code, details=details)
        self.vendor_code = str(vendor_code)


class VendorRetryLater(ConnectorUnavailable):
    """The vendor answered "not now" (an operation in progress, a renewal being processed,
    throttling): the same operation, with the same request id, may succeed later.
    ``retry_after`` is the number of seconds to wait before trying again; a task
    reschedules itself with it rather than sleeping."""

    code = "vendor_retry_later"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        vendor_code: str = "",
        details=None,
        code=None,
    ):
        super().__init__(message, code=code, details=details)
        self.retry_after = float(retry_after)
        self.vendor_code = str(vendor_code)


class CredentialsUnreadable(ApplicationError):
    """Stored vendor credentials cannot be decrypted with the configured key (the key
    changed): they must be entered again."""

    code = "credentials_unreadable"
    status = 500


class ConnectorNotConfigured(ApplicationError):
    """A real vendor connector was asked for, but its credentials are missing."""

    code = "connector_not_configured"
    status = 500
