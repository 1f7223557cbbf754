"""Register (SMART cloud guide 2.1–2.2): a wizard for anonymous visitors.

1. ``/register/`` — *Email Address* and *Send verification code*; then the code, with *Verify
   code*, *Send new code* (after the cooldown, the wait shown) and *Change e-mail*.
2. ``/register/details/`` — *New Password*, *Confirm New Password* (the policy beside it),
   *Given Name*, *Display Name*, *Surname*; *Create*.
3. ``/register/phone/`` — country code and *Phone Number*, a code by SMS or *Call me
   instead*; *Verify Code* creates the account, signs the user in and goes on to the
   company registration.

What each step proved is kept in the server-side session under ``STATE`` (one entry per
step); the address and number a code is checked for come from there, never from the form.
The password is kept only as Django's hash.

No user enumeration: for an address that already has an account the visitor sees exactly
what anyone sees; the address gets allauth's "an account already exists" e-mail (with the
password-recovery link) instead of a code, and no code is ever accepted for it.

Besides the per-address limits of the code functions, sending and checking codes are limited
per client IP (``REGISTRATION_RATE_LIMITS``): HTTP 429 with the wait.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import logging
import math
import time

import phonenumbers
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_countries import countries

from seatwise.core import clock
from seatwise.core.errors import ApplicationError
from seatwise.identity.codes import CODE_TTL
from seatwise.identity.exceptions import RateLimited
from seatwise.identity.registration import (
    EmailTaken,
    registration_details_validate,
    registration_email_confirm,
    registration_email_start,
    registration_phone_start,
    user_register,
)
from seatwise.identity.validators import password_rule_text
from seatwise.notifications.services import notification_send

logger = logging.getLogger(__name__)

STATE = "registration"
DEFAULT_REGION = "UA"
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
NAME_LABELS = (
    ("given_name", gettext_lazy("Given Name")),
    ("display_name", gettext_lazy("Display Name")),
    ("surname", gettext_lazy("Surname")),
)


# --- session state ---------------------------------------------------------------------


def _state(request) -> dict:
    value = request.session.get(STATE)
    return value if isinstance(value, dict) else {}


def _save(request, state: dict) -> None:
    request.session[STATE] = state


def _email_state(request) -> dict:
    return _state(request).get("email") or {}


def _email_proved(request) -> str:
    step = _email_state(request)
    return step.get("address", "") if step.get("verified") else ""


def _details(request) -> dict:
    if not _email_proved(request):
        return {}
    return _state(request).get("details") or {}


def _seconds_left(iso: str | None) -> int:
    if not iso:
        return 0
    left = (dt.datetime.fromisoformat(iso) - clock.now()).total_seconds()
    return max(0, math.ceil(left))


# --- per-IP limits ---------------------------------------------------------------------


def _client_network(request) -> str:
    """The client's IP; for IPv6 its /64, which one client can fill with addresses."""
    ip = get_adapter(request).get_client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return ip


def _ip_wait(request, action: str) -> int:
    """Count one ``action`` ("send_code" or "check_code") for the client's IP; the seconds
    to wait when the limit is reached (nothing is counted then), else 0."""
    amount, seconds = settings.REGISTRATION_RATE_LIMITS[action]
    key = f"registration:rl:{action}:{_client_network(request)}"
    now = time.time()
    history = [at for at in cache.get(key, []) if at > now - seconds]
    if len(history) >= amount:
        return max(1, math.ceil(min(history) + seconds - now))
    history.append(now)
    cache.set(key, history, seconds)
    return 0


def _ip_limit_message(wait: int) -> str:
    if wait > 90:
        return _("Too many attempts from your network. Try again in %(minutes)d minutes.") % {
            "minutes": (wait + 59) // 60
        }
    return _("Too many attempts from your network. Try again in %(seconds)d seconds.") % {
        "seconds": wait
    }


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE


def _anonymous_only(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            messages.info(request, _("You already have an account and are signed in."))
            return redirect("web:home")
        return view(request, *args, **kwargs)

    return wrapped


# --- step 1: e-mail --------------------------------------------------------------------


def _email_page(request, *, email="", error="", code_error="", status=200):
    step = _email_state(request)
    return render(
        request,
        "web/register/email.html",
        {
            "step": 1,
            "pending_email": step.get("address", ""),
            "email": email,
            "error": error,
            "code_error": code_error,
            "resend_wait": _seconds_left(step.get("resend_after")),
        },
        status=status,
    )


def _send_email_code(request, email: str):
    wait = _ip_wait(request, "send_code")
    if wait:
        return _email_page(request, email=email, error=_ip_limit_message(wait), status=429)
    try:
        started = registration_email_start(email=email)
    except RateLimited as exc:
        return _email_page(request, email=email, error=exc.message, status=429)
    except ApplicationError as exc:
        return _email_page(request, email=email, error=exc.message, status=400)
    if started.account_exists:
        try:
            get_adapter(request).send_account_already_exists_mail(started.email)
        except Exception:  # the visitor must see the same answer whatever happens
            logger.exception("Registration: the account-exists notice was not sent")
    else:
        notification_send(
            event="identity.email_verification_code",
            to_email=started.email,
            context={
                "code": started.issued.code,
                "expires_minutes": int(CODE_TTL.total_seconds() // 60),
            },
            language=_language(request),
        )
    _save(
        request,
        {
            "email": {
                "address": started.email,
                "verified": False,
                "resend_after": started.issued.resend_after.isoformat(),
            }
        },
    )
    messages.info(
        request,
        _("We sent a verification code to %(email)s. Enter it below.") % {"email": started.email},
    )
    return redirect("web:register")


@_anonymous_only
@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "GET":
        if _email_proved(request):
            return redirect("web:register_details")
        return _email_page(request)
    action = request.POST.get("action", "")
    pending = _email_state(request).get("address", "")
    if action == "change":
        _save(request, {})
        return redirect("web:register")
    if action == "send":
        return _send_email_code(request, request.POST.get("email", ""))
    if action == "resend" and pending:
        return _send_email_code(request, pending)
    if action == "verify" and pending:
        wait = _ip_wait(request, "check_code")
        if wait:
            return _email_page(request, code_error=_ip_limit_message(wait), status=429)
        try:
            address = registration_email_confirm(email=pending, code=request.POST.get("code", ""))
        except ApplicationError as exc:
            return _email_page(request, code_error=exc.message, status=400)
        _save(request, {"email": {"address": address, "verified": True}})
        messages.success(request, _("Your e-mail address is verified."))
        return redirect("web:register_details")
    return redirect("web:register")


# --- step 2: password and names --------------------------------------------------------


def _details_page(request, *, values=None, errors=None, status=200):
    values = values or {}
    errors = errors or {}
    return render(
        request,
        "web/register/details.html",
        {
            "step": 2,
            "email": _email_proved(request),
            "password_rule": password_rule_text(),
            "password_errors": errors.get("password", []),
            "password_confirm_errors": errors.get("password_confirm", []),
            "names": [
                {
                    "name": name,
                    "label": label,
                    "value": values.get(name, ""),
                    "errors": errors.get(name, []),
                }
                for name, label in NAME_LABELS
            ],
        },
        status=status,
    )


@_anonymous_only
@require_http_methods(["GET", "POST"])
def register_details(request):
    email = _email_proved(request)
    if not email:
        messages.info(request, _("Verify your e-mail address first."))
        return redirect("web:register")
    if request.method == "GET":
        return _details_page(request, values=_details(request))
    values = {name: request.POST.get(name, "") for name, _label in NAME_LABELS}
    try:
        details = registration_details_validate(
            email=email,
            password=request.POST.get("password", ""),
            password_confirm=request.POST.get("password_confirm", ""),
            **values,
        )
    except ApplicationError as exc:
        return _details_page(
            request, values=values, errors=exc.details.get("fields", {}), status=400
        )
    state = _state(request)
    state["details"] = {
        "given_name": details.given_name,
        "display_name": details.display_name,
        "surname": details.surname,
        "password_hash": details.password_hash,
    }
    state.pop("phone", None)
    _save(request, state)
    return redirect("web:register_phone")


# --- step 3: phone ---------------------------------------------------------------------


def _regions(selected: str) -> list[dict]:
    options = []
    for code, name in countries:
        calling = phonenumbers.country_code_for_region(code)
        if calling:
            options.append(
                {
                    "code": code,
                    "label": f"{name} (+{calling})",
                    "selected": code == selected,
                }
            )
    return options


def _phone_page(request, *, region="", number="", phone_error="", code_error="", status=200):
    step = _state(request).get("phone") or {}
    return render(
        request,
        "web/register/phone.html",
        {
            "step": 3,
            "regions": _regions(region or step.get("region") or DEFAULT_REGION),
            "number": number,
            "pending_phone": step.get("number", ""),
            "voice": step.get("voice", False),
            "resend_wait": _seconds_left(step.get("resend_after")),
            "phone_error": phone_error,
            "code_error": code_error,
        },
        status=status,
    )


def _send_phone_code(request, *, region: str, number: str, voice: bool, pending: bool):
    def refused(message: str, status: int):
        if pending:
            return _phone_page(request, code_error=message, status=status)
        return _phone_page(
            request, region=region, number=number, phone_error=message, status=status
        )

    wait = _ip_wait(request, "send_code")
    if wait:
        return refused(_ip_limit_message(wait), 429)
    try:
        phone, issued = registration_phone_start(region=region, number=number)
    except RateLimited as exc:
        return refused(exc.message, 429)
    except ApplicationError as exc:
        return refused(exc.message, 400)
    notification_send(
        event="identity.phone_verification_code",
        to_phone=phone,
        context={"code": issued.code, "expires_minutes": int(CODE_TTL.total_seconds() // 60)},
        language=_language(request),
        voice=voice,
    )
    state = _state(request)
    state["phone"] = {
        "number": phone,
        "region": region,
        "voice": voice,
        "resend_after": issued.resend_after.isoformat(),
    }
    _save(request, state)
    if voice:
        messages.info(request, _("We are calling %(phone)s with a code.") % {"phone": phone})
    else:
        messages.info(request, _("We sent a code by SMS to %(phone)s.") % {"phone": phone})
    return redirect("web:register_phone")


def _after_registration_url() -> str:
    try:
        return reverse("web:company_register")
    except NoReverseMatch:
        return reverse("web:home")


def _create_account(request, details: dict, pending: str):
    wait = _ip_wait(request, "check_code")
    if wait:
        return _phone_page(request, code_error=_ip_limit_message(wait), status=429)
    try:
        user = user_register(
            email=_email_proved(request),
            password_hash=details["password_hash"],
            given_name=details["given_name"],
            display_name=details["display_name"],
            surname=details["surname"],
            phone=pending,
            phone_code=request.POST.get("code", ""),
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        )
    except EmailTaken as exc:
        request.session.pop(STATE, None)
        messages.error(request, exc.message)
        return redirect("account_login")
    except ApplicationError as exc:
        return _phone_page(request, code_error=exc.message, status=400)
    request.session.pop(STATE, None)
    notification_send(
        event="identity.welcome",
        to_email=user.email,
        context={
            "name": user.given_name,
            "username": user.email,
            "sign_in_url": request.build_absolute_uri(reverse("account_login")),
        },
        language=_language(request),
        # The same key as the company step's welcome: one e-mail, whichever comes first.
        idempotency_key=f"welcome:{user.pk}",
    )
    login(request, user, backend=AUTH_BACKEND)
    messages.success(request, _("Your account was created. Now register your company."))
    return redirect(_after_registration_url())


@_anonymous_only
@require_http_methods(["GET", "POST"])
def register_phone(request):
    details = _details(request)
    if not details:
        if _email_proved(request):
            return redirect("web:register_details")
        messages.info(request, _("Verify your e-mail address first."))
        return redirect("web:register")
    if request.method == "GET":
        return _phone_page(request)
    action = request.POST.get("action", "")
    step = _state(request).get("phone") or {}
    pending = step.get("number", "")
    if action in ("send", "call"):
        return _send_phone_code(
            request,
            region=request.POST.get("region", ""),
            number=request.POST.get("number", ""),
            voice=action == "call",
            pending=False,
        )
    if action in ("resend", "resend_call") and pending:
        return _send_phone_code(
            request, region="", number=pending, voice=action == "resend_call", pending=True
        )
    if action == "change":
        state = _state(request)
        state.pop("phone", None)
        _save(request, state)
        return redirect("web:register_phone")
    if action == "verify" and pending:
        return _create_account(request, details, pending)
    messages.error(request, _("Ask for a code first."))
    return redirect("web:register_phone")


@require_POST
def register_cancel(request):
    request.session.pop(STATE, None)
    messages.info(request, _("Registration cancelled. Nothing was saved."))
    return redirect("web:home")
