"""The developer mailbox: what the embedded default "sent", readable in the browser.

It exists only with ``DEBUG`` on (a 404 otherwise) and needs no sign-in: it is a local tool
for reading verification and sign-in codes. HTMX polls the list every few seconds with the
listing's fingerprint and gets a 204 (nothing swapped) until something new arrives.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from seatwise.notifications.selectors import (
    MAILBOX_LIMIT,
    mailbox_attachment_get,
    mailbox_list,
    mailbox_version,
)

KINDS = ("email", "sms")
POLL_SECONDS = 5


@require_GET
def dev_mailbox(request):
    if not settings.DEBUG:
        raise Http404("The developer mailbox exists only with DEBUG on.")
    kind = request.GET.get("kind")
    kind = kind if kind in KINDS else None
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request
    template = (
        "notifications/partials/mailbox_entries.html"
        if partial
        else "notifications/dev_mailbox.html"
    )
    entries = mailbox_list(kind=kind, limit=MAILBOX_LIMIT)
    version = mailbox_version(entries)
    if partial and request.GET.get("version") == version:
        return HttpResponse(status=204)  # nothing new: htmx keeps the page (and open details)
    context = {
        "entries": entries,
        "version": version,
        "kind": kind,
        "limit": MAILBOX_LIMIT,
        "poll_seconds": POLL_SECONDS,
        "mailbox_dir": settings.MAILBOX_DIR,
    }
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    add_never_cache_headers(response)
    return response


@require_GET
def dev_mailbox_attachment(request, delivery_id: int, filename: str):
    """Download one attachment of an e-mail in the developer mailbox (DEBUG only)."""
    if not settings.DEBUG:
        raise Http404("The developer mailbox exists only with DEBUG on.")
    attachment = mailbox_attachment_get(delivery_id=delivery_id, filename=filename)
    if attachment is None:
        raise Http404("No such attachment.")
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.filename
    )
    add_never_cache_headers(response)
    return response
