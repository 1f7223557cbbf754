"""Typed coupon errors: each carries the message the buyer reads next to the code field."""

from seatwise.core.errors import ConflictError, ValidationError


class CouponError(ValidationError):
    code = "coupon_invalid"


class CouponNotFound(CouponError):
    code = "coupon_not_found"


class CouponNotStarted(CouponError):
    code = "coupon_not_started"


class CouponExpired(CouponError):
    code = "coupon_expired"


class CouponExhausted(CouponError):
    code = "coupon_exhausted"


class CouponAlreadyUsed(CouponError):
    code = "coupon_already_used"


class CouponMinimumNotReached(CouponError):
    code = "coupon_minimum_not_reached"


class CouponWrongCurrency(CouponError):
    code = "coupon_wrong_currency"


class CouponNotApplicable(CouponError):
    code = "coupon_not_applicable"


class CouponRedeemConflict(ConflictError):
    code = "coupon_redeem_conflict"
