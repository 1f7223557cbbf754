"""The REST API root: one NinjaAPI at /api/v1/ with one error shape for every failure."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from seatwise.core.errors import ApplicationError, error_body

api = NinjaAPI(
    title="Seatwise API",
    version="1.0.0",
    description="Catalogue, pricing and (soon) ordering for cloud licences.",
    urls_namespace="api-v1",
)


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
