from seatwise.core.errors import ConflictError, NotFoundError, ValidationError


class OrderNotFound(NotFoundError):
    code = "order_not_found"


class OrderInputError(ValidationError):
    code = "order_invalid"


class OrderNotPayable(ConflictError):
    code = "order_not_payable"


class IdempotencyKeyReused(ConflictError):
    code = "idempotency_key_reused"
