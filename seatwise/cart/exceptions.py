from seatwise.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)


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


class PriceOverrideDenied(PermissionDeniedError):
    code = "price_override_denied"


class InvalidMarkup(ValidationError):
    code = "invalid_markup"


class InvalidTargetTenant(ValidationError):
    code = "invalid_target_tenant"


class CartNotSavable(ValidationError):
    code = "cart_not_savable"


class DraftNotResumable(ConflictError):
    code = "draft_not_resumable"
