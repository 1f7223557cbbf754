"""Terms and conditions at sign-in: a signed-in user whose reseller (or provider) requires
terms they have not accepted yet is sent to the terms page before anything else.

Left alone: the terms page itself, sign-in and sign-out (allauth's ``/accounts/``), static
and media files, the language switch, the Django admin and the developer pages. The REST API
answers a session caller with a 403 ``terms_not_accepted`` instead of a redirect; callers
with an API key are not affected (the key's organization decided to issue it).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from seatwise.core.errors import error_body
from seatwise.tenancy.api_auth import HEADER as API_KEY_HEADER
from seatwise.tenancy.selectors import terms_pending
from seatwise.web.shop import shop_for

EXEMPT_PREFIXES = ("/accounts/", "/_allauth/", "/static/", "/media/", "/i18n/", "/admin/", "/dev/")
API_PREFIX = "/api/"


def _exempt(path: str, terms_path: str) -> bool:
    served = tuple(u for u in (settings.STATIC_URL, settings.MEDIA_URL) if u and u[0] == "/")
    return path == terms_path or path.startswith((*EXEMPT_PREFIXES, *served))


class TermsAcceptanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        path = request.path_info
        try:
            terms_path = reverse("web:terms")
        except NoReverseMatch:  # a URLconf without the shop (some tests): nowhere to send
            return self.get_response(request)
        if _exempt(path, terms_path):
            return self.get_response(request)
        is_api = path.startswith(API_PREFIX)
        if is_api and request.headers.get(API_KEY_HEADER):
            return self.get_response(request)
        if terms_pending(user=user, organization=shop_for(request).viewer) is None:
            return self.get_response(request)
        if is_api:
            return JsonResponse(
                error_body(
                    "terms_not_accepted",
                    _("Accept the terms and conditions before using the API."),
                ),
                status=403,
            )
        url = f"{terms_path}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
