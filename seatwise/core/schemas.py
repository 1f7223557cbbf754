"""Schemas shared by every API router."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(..., description="Stable snake_case code, e.g. `invalid_input`.")
    message: str = Field(..., description="What went wrong, for a person.")
    details: dict[str, Any] = Field(
        default_factory=dict, description="Machine-readable context, e.g. the field at fault."
    )


class ErrorOut(BaseModel):
    """The one error shape of the API: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail
