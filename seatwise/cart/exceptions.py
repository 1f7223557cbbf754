from seatwise.core.errors import NotFoundError, ValidationError


class CartLineNotFound(NotFoundError):
    code = "cart_line_not_found"


class InvalidQuantity(ValidationError):
    code = "invalid_quantity"


class InvalidBillingPlan(ValidationError):
    code = "invalid_billing_plan"


class OfferNotAvailable(ValidationError):
    code = "offer_not_available"


class AddonNeedsBase(ValidationError):
    code = "addon_needs_base"
