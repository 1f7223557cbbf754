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
