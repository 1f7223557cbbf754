"""The REST API root: one NinjaAPI at /api/v1/ with one error shape for every failure."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from seatwise.cart.api import checkout_router
from seatwise.cart.api import router as cart_router
from seatwise.catalog.api import router as catalog_router
from seatwise.core.errors import ApplicationError, error_body
from seatwise.core.schemas import ErrorOut
from seatwise.orders.api import router as orders_router
from seatwise.payments.api import router as payments_router
from seatwise.pricing.api import router as priced_catalog_router
from seatwise.subscriptions.api import router as subscriptions_router
from seatwise.subscriptions.api import tenants_router
from seatwise.web.registration_api import router as registration_router

logger = logging.getLogger("seatwise.api")

ERROR_SCHEMA_REF = f"#/components/schemas/{ErrorOut.__name__}"


class SeatwiseAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Endpoint functions are named <entity>_<action>, unique across the API.
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Every operation also documents the error shape as its ``default`` response."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {}).setdefault(
            ErrorOut.__name__, ErrorOut.model_json_schema(ref_template=ERROR_SCHEMA_REF)
        )
        default = {
            "description": 'Error: `{"error": {"code", "message", "details"}}`',
            "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("default", default)
        return schema


api = SeatwiseAPI(
    title="Seatwise API",
    version="1.0.0",
    description=(
        "Catalogue, pricing, cart, checkout, orders, payments, Microsoft tenants and "
        "subscriptions for cloud licences. "
        'Every error has one shape: `{"error": {"code": "...", "message": "...", "details": {}}}`.'
    ),
    urls_namespace="api-v1",
    # Swagger UI from ninja's own static files (no CDN); no call to the online validator.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
)
api.add_router("/catalog/", catalog_router)
api.add_router("/catalog/", priced_catalog_router)
api.add_router("/registration/", registration_router)
api.add_router("/cart/", cart_router)
api.add_router("/checkout/", checkout_router)
api.add_router("/orders/", orders_router)
api.add_router("/payments/", payments_router)
api.add_router("/tenants/", tenants_router)
api.add_router("/subscriptions/", subscriptions_router)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields = []
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path")
        ]
        fields.append({"field": ".".join(location), "message": error.get("msg", "Invalid value")})
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "Invalid input."
    return api.create_response(
        request, error_body("invalid_input", message, {"fields": fields}), status=400
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body("not_found", "Not found."), status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, error_body("not_authenticated", "Sign in or send an API key."), status=401
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code = {404: "not_found", 403: "permission_denied", 401: "not_authenticated"}.get(
        exc.status_code, "http_error"
    )
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    if settings.DEBUG:
        raise exc  # the developer's traceback page
    # Tell Django's usual listeners (error reporting; the test client re-raises it).
    got_request_exception.send(sender=None, request=request)
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return api.create_response(
        request, error_body("server_error", "Something went wrong on our side."), status=500
    )
