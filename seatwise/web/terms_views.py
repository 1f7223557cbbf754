"""Terms and conditions: the page where a user accepts the terms their reseller (or the
provider) requires, and My account → Settings → Terms and conditions, where the reseller's
owners and account managers write them. Thin views over ``tenancy``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seatwise.core.errors import ApplicationError
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import terms_get, terms_pending
from seatwise.tenancy.services import TERMS_TEXT_MAX_LENGTH, terms_accept, terms_set
from seatwise.web.errors import render_error, safe_next
from seatwise.web.shop import shop_for


def _messages() -> dict[str, str]:
    return {
        "role_required": _("Your role in this organization does not allow changing its settings."),
        "organization_not_found": _("This page does not exist for your organization."),
        "terms_text_required": _("Write the terms and conditions before requiring them."),
        "terms_changed": _(
            "The terms and conditions have changed meanwhile; read them again below."
        ),
        "terms_not_found": _("There are no terms and conditions to accept."),
    }


def _version(raw: object) -> int | None:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def terms(request):
    pending = terms_pending(user=request.user, organization=shop_for(request).viewer)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if pending is None:
        return redirect(next_url)
    error = None
    status = 200
    if request.method == "POST":
        if request.POST.get("accept") != "on":
            error = _("Tick “I accept the terms and conditions” to continue.")
            status = 400
        else:
            try:
                terms_accept(
                    user=request.user,
                    organization=pending.organization,
                    version=_version(request.POST.get("version")),
                    ip=request.META.get("REMOTE_ADDR"),
                )
            except ApplicationError as exc:
                if exc.status != 400:
                    return render_error(request, exc, _messages())
                error = _messages().get(exc.code, exc.message)
                status = 409 if exc.code == "terms_changed" else 400
            else:
                messages.success(request, _("Thank you: you accepted the terms and conditions."))
                return redirect(next_url)
    response = render(
        request,
        "web/account/terms.html",
        {"terms": pending, "next": next_url, "error": error},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def terms_settings(request):
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        current = terms_get(user=request.user, organization=organization)
        require_terms = current.require_terms if current else False
        text = current.text if current else ""
        error = None
        status = 200
        if request.method == "POST":
            require_terms = request.POST.get("require_terms") == "on"
            text = request.POST.get("text", "")
            try:
                terms_set(
                    actor=request.user,
                    organization=organization,
                    require_terms=require_terms,
                    text=text,
                )
            except ApplicationError as exc:
                if exc.status != 400:
                    raise
                error = _messages().get(exc.code, exc.message)
                status = 400
            else:
                messages.success(request, _("The terms and conditions are saved."))
                return redirect("web:terms_settings")
        return render(
            request,
            "web/account/terms_settings.html",
            {
                "organization": organization,
                "terms": current,
                "require_terms": require_terms,
                "text": text,
                "error": error,
                "max_length": TERMS_TEXT_MAX_LENGTH,
            },
            status=status,
        )
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
