"""Typed application errors with stable codes.

Services raise ``ApplicationError`` (or a subclass); the API maps it to one JSON shape
(``{"error": {"code", "message", "details"}}``) and views map it to form errors.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApplicationError(Exception):
    code: ClassVar[str] = "application_error"
    status: ClassVar[int] = 400

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ValidationError(ApplicationError):
    code = "invalid_input"
    status = 400


class NotFoundError(ApplicationError):
    code = "not_found"
    status = 404


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    status = 403


class ConflictError(ApplicationError):
    code = "conflict"
    status = 409


class InvalidTransitionError(ConflictError):
    code = "invalid_transition"


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}
