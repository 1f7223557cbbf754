"""Tests in this folder get the Partner Center sandbox fixture without importing it."""

from tests.sandboxes.partner_center import partner_center_sandbox  # noqa: F401 (fixture)
