"""My account → Customer info: the user's names, and the phone number, which changes only
once a code sent to the new number (by SMS or a call) is entered. Thin views over the
``identity`` services and ``notification_send``.

The number being verified is kept in the session, never taken from the form when the code
is checked, so a code can only confirm the number it was sent to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seatwise.core.errors import ApplicationError
from seatwise.identity.codes import CODE_TTL
from seatwise.identity.exceptions import RateLimited
from seatwise.identity.services import (
    user_phone_change_confirm,
    user_phone_change_start,
    user_profile_update,
)
from seatwise.notifications.services import notification_send

PENDING_PHONE = "customer_info_pending_phone"


def _page(request, *, names=None, field_errors=None, phone="", phone_error="", code_error=""):
    user = request.user
    names = names or {
        "given_name": user.given_name,
        "display_name": user.display_name,
        "surname": user.surname,
    }
    errors = field_errors or {}
    fields = [
        {"name": name, "label": label, "value": names.get(name, ""), "error": errors.get(name)}
        for name, label in (
            ("given_name", _("Given Name")),
            ("display_name", _("Display Name")),
            ("surname", _("Surname")),
        )
    ]
    failed = bool(errors or phone_error or code_error)
    return render(
        request,
        "web/account/customer_info.html",
        {
            "fields": fields,
            "current_phone": user.phone.as_international if user.phone else "",
            "pending_phone": request.session.get(PENDING_PHONE, ""),
            "phone": phone,
            "phone_error": phone_error,
            "code_error": code_error,
        },
        status=400 if failed else 200,
    )


def _send_code(request, phone: str, *, voice: bool):
    """Issue and send a code to ``phone``; the page to show."""
    try:
        normalized, issued = user_phone_change_start(user=request.user, phone=phone)
    except RateLimited as exc:
        messages.error(request, exc.message)
        return redirect("web:customer_info")
    except ApplicationError as exc:
        return _page(request, phone=phone, phone_error=exc.message)
    notification_send(
        event="identity.phone_verification_code",
        to_phone=normalized,
        context={"code": issued.code, "expires_minutes": int(CODE_TTL.total_seconds() // 60)},
        language=request.LANGUAGE_CODE,
        voice=voice,
    )
    request.session[PENDING_PHONE] = normalized
    if voice:
        messages.info(request, _("We are calling %(phone)s with a code.") % {"phone": normalized})
    else:
        messages.info(request, _("We sent a code by SMS to %(phone)s.") % {"phone": normalized})
    return redirect("web:customer_info")


@login_required
@require_http_methods(["GET", "POST"])
def customer_info(request):
    if request.method == "GET":
        return _page(request)
    action = request.POST.get("action", "")
    pending = request.session.get(PENDING_PHONE, "")
    if action == "profile":
        names = {
            name: request.POST.get(name, "") for name in ("given_name", "display_name", "surname")
        }
        try:
            user_profile_update(user=request.user, **names)
        except ApplicationError as exc:
            return _page(request, names=names, field_errors=exc.details.get("fields", {}))
        messages.success(request, _("Your details were saved."))
        return redirect("web:customer_info")
    if action in ("send", "call"):
        return _send_code(request, request.POST.get("phone", ""), voice=action == "call")
    if action in ("resend", "resend_call") and pending:
        return _send_code(request, pending, voice=action == "resend_call")
    if action == "verify" and pending:
        try:
            user_phone_change_confirm(
                user=request.user,
                phone=pending,
                code=request.POST.get("code", ""),
                ip=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            )
        except ApplicationError as exc:
            return _page(request, code_error=exc.message)
        request.session.pop(PENDING_PHONE, None)
        messages.success(request, _("Your phone number was changed."))
        return redirect("web:customer_info")
    if action == "cancel":
        request.session.pop(PENDING_PHONE, None)
        return redirect("web:customer_info")
    messages.error(request, _("Ask for a code first."))
    return redirect("web:customer_info")
