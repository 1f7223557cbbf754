from seatwise.core.errors import NotFoundError, ValidationError


class ProductNotFound(NotFoundError):
    code = "product_not_found"


class CategoryNotFound(NotFoundError):
    code = "category_not_found"


class OfferNotFound(NotFoundError):
    code = "offer_not_found"


class InvalidSort(ValidationError):
    code = "invalid_sort"
