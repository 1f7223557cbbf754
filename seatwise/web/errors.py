"""How every web page shows an ``ApplicationError``, and where it may send the user next."""

from __future__ import annotations

from collections.abc import Mapping

from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from seatwise.core.errors import ApplicationError

_TEMPLATES = {403: "403.html", 404: "404.html"}


def render_error(request, exc: ApplicationError, messages: Mapping[str, str] | None = None):
    """The shop's 400, 403 or 404 page for ``exc``, in the page's own words where it has
    them (``messages`` by error code), else the error's message."""
    message = (messages or {}).get(exc.code, exc.message)
    return render(
        request,
        _TEMPLATES.get(exc.status, "400.html"),
        {"message": message, "code": exc.code},
        status=exc.status,
    )


def safe_next(request, target: str | None, default: str = "web:home") -> str:
    """``target`` if it stays on this site, else ``default`` (a URL name or path)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)
