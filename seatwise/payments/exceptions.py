from seatwise.core.errors import ApplicationError, ConflictError, ValidationError


class PaymentError(ApplicationError):
    code = "payment_error"


class PaymentNotConfigured(PaymentError):
    code = "payment_not_configured"


class CallbackRejected(ValidationError):
    """A callback or API answer that must change nothing (bad signature, key, amount…)."""

    code = "callback_rejected"


class CallbackOrphan(CallbackRejected):
    """A correctly signed callback for an order id Seatwise does not know."""

    code = "callback_unknown_order"


class PaymentStateError(ConflictError):
    code = "payment_state"


class GatewayUnavailable(PaymentError):
    """A network error, timeout or 5xx from the gateway: transient, worth retrying."""

    code = "gateway_unavailable"
    status = 503
