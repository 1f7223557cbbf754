"""My account → API keys: list, create (the key is shown once) and revoke the keys of the
organization the user acts for. Thin views over ``tenancy`` services and selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from seatwise.core.errors import ApplicationError
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import api_key_list
from seatwise.tenancy.services import api_key_create, api_key_revoke
from seatwise.web.errors import render_error
from seatwise.web.shop import shop_for


def _client(request) -> dict:
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
    }


def _messages() -> dict[str, str]:
    return {
        "role_required": _("Your role in this organization does not allow API keys."),
        "organization_not_found": _("You do not act for an organization yet."),
        "api_key_not_found": _("This API key does not exist or is not yours."),
    }


def _page(request, organization, *, created=None, plaintext=None, error=None, status=200):
    keys = list(api_key_list(user=request.user, organization=organization))
    return render(
        request,
        "web/account/api_keys.html",
        {
            "organization": organization,
            "keys": keys,
            "created": created,
            "plaintext": plaintext,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request):
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        if request.method == "POST":
            try:
                key, plaintext = api_key_create(
                    user=request.user,
                    organization=organization,
                    name=request.POST.get("name", ""),
                    **_client(request),
                )
            except ApplicationError as exc:
                if exc.status in (400, 409):
                    return _page(request, organization, error=exc.message, status=exc.status)
                raise
            # Rendered, not redirected: the key is shown this once and never again.
            response = _page(request, organization, created=key, plaintext=plaintext)
            response["Cache-Control"] = "no-store"
            return response
        return _page(request, organization)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())


@login_required
@require_POST
def api_key_revoke_view(request, pk: int):
    organization = shop_for(request).viewer
    if organization is None:
        return redirect("web:api_keys")
    try:
        api_key_revoke(user=request.user, organization=organization, pk=pk, **_client(request))
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    return redirect("web:api_keys")
