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
The password is kept only as Django's hash. The steps themselves (limits, codes, notices,
the next state, the account and its welcome) are the functions of the "steps" section below,
which the registration API (``seatwise.web.registration_api``) calls too, keeping the same
state in a signed token instead of the session.

No user enumeration: for an address that already has an account the visitor sees exactly
what anyone sees; the address gets allauth's "an account already exists" e-mail (with the
password-recovery link) instead of a code, and no code is ever accepted for it.

Besides the per-address limits of the code functions, sending and checking codes are limited
per client IP (``REGISTRATION_RATE_LIMITS``): HTTP 429 with the wait.

Invitations: *Create an account* on an invitation's page links to
``/register/?invitation=<token>``; the token is checked (a pending invitation, else the
invitation's "not found" page) and the visitor is sent on to ``/register/`` (the token leaves
the address bar). The wizard is then locked to the invited address (kept under
``INVITATION`` with the token, apart from ``STATE``): the e-mail step shows it read-only,
with no *Change e-mail*, and sends the code only to it. The e-mail code step stays: an
invitation link is a bearer token that gets forwarded, previewed by link scanners and kept
in browser histories, so holding it proves nothing about the mailbox, and every account's
primary address is one proved with a code. (The lock only narrows the wizard; it never
grants anything.) Password, names and phone code follow exactly as for anyone. The account
is then created and signed in and the visitor goes back to the invitation page to *Accept*
or *Decline*, not on to the company registration. *Cancel* forgets the wizard and the lock
and goes back to the invitation.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math

import phonenumbers
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_countries import countries

from seatwise.core import clock
from seatwise.core.errors import ApplicationError
from seatwise.identity.codes import CODE_TTL
from seatwise.identity.exceptions import RateLimited
from seatwise.identity.models import User
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
from seatwise.tenancy.selectors import invitation_get_by_token
from seatwise.web.errors import render_error
from seatwise.web.ratelimits import rate_limit_message, rate_limit_wait

logger = logging.getLogger(__name__)

STATE = "registration"
INVITATION = "registration_invitation"  # {"email", "token", "organization"}
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
    address = proved_email(_state(request))
    invited = _invited_email(request)
    return "" if invited and address != invited else address


def _invitation(request) -> dict:
    """The invitation this wizard was started from (``_start_for_invitation``), or {}."""
    value = request.session.get(INVITATION)
    return value if isinstance(value, dict) and value.get("email") else {}


def _invited_email(request) -> str:
    return _invitation(request).get("email", "")


def _start_for_invitation(request, token: str):
    """Start the wizard for the holder of the pending invitation ``token``: the e-mail step
    is locked to the invited address, and the account, once created, goes back to the
    invitation. What was proved earlier in this session for the same address is kept;
    anything else is forgotten."""
    try:
        found = invitation_get_by_token(token=token)
    except ApplicationError as exc:
        return render_error(request, exc)
    request.session[INVITATION] = {
        "email": found.email,
        "token": token,
        "organization": found.organization.name,
    }
    if _email_state(request).get("address") != found.email:
        _save(request, {})
    return redirect("web:register")


def invitation_forget(request) -> None:
    """The invitation was accepted or declined: forget the wizard it started, if any."""
    if request.session.pop(INVITATION, None):
        request.session.pop(STATE, None)


def _details(request) -> dict:
    if not _email_proved(request):
        return {}
    return given_details(_state(request))


# --- the steps, shared with the registration API ---------------------------------------
# A state is the dict of what each step proved: {"email": {"address", "verified",
# "resend_after"}, "details": {names, "password_hash"}, "phone": {"number", "region",
# "voice", "resend_after"}}. Each step takes the state and returns the next one; it raises
# ``RateLimited`` (the per-IP limits here, the per-address ones of the codes; with
# ``retry_after``) or another ``ApplicationError``.


def proved_email(state: dict) -> str:
    step = state.get("email") or {}
    return step.get("address", "") if step.get("verified") else ""


def given_details(state: dict) -> dict:
    return (state.get("details") or {}) if proved_email(state) else {}


def pending_phone(state: dict) -> str:
    return (state.get("phone") or {}).get("number", "") if given_details(state) else ""


def seconds_left(iso: str | None) -> int:
    if not iso:
        return 0
    left = (dt.datetime.fromisoformat(iso) - clock.now()).total_seconds()
    return max(0, math.ceil(left))


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE


def _limit(request, *, action: str) -> None:
    wait = rate_limit_wait(request, action=action)
    if wait:
        raise RateLimited(rate_limit_message(wait), details={"retry_after": wait})


def email_code_send(request, *, email: str) -> dict:
    """Send a code to ``email`` (an address with an account gets allauth's "an account
    already exists" notice instead, and the caller answers the same); the new state."""
    _limit(request, action="send_code")
    started = registration_email_start(email=email)
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
    return {
        "email": {
            "address": started.email,
            "verified": False,
            "resend_after": started.issued.resend_after.isoformat(),
        }
    }


def email_code_check(request, *, state: dict, code: str) -> dict:
    """Prove the pending address of ``state`` with ``code``; the new state."""
    _limit(request, action="check_code")
    pending = (state.get("email") or {}).get("address", "")
    address = registration_email_confirm(email=pending, code=code)
    return {"email": {"address": address, "verified": True}}


def details_give(*, state: dict, password: str, password_confirm: str, **names: str) -> dict:
    """Check the password and the names (``RegistrationInvalid`` with ``details["fields"]``);
    the new state keeps only the password's hash and forgets a number given before."""
    details = registration_details_validate(
        email=proved_email(state), password=password, password_confirm=password_confirm, **names
    )
    state = {key: value for key, value in state.items() if key != "phone"}
    state["details"] = {
        "given_name": details.given_name,
        "display_name": details.display_name,
        "surname": details.surname,
        "password_hash": details.password_hash,
    }
    return state


def phone_code_send(request, *, state: dict, region: str, number: str, voice: bool) -> dict:
    """Send a code to the number by SMS or, with ``voice``, by a call; the new state."""
    _limit(request, action="send_code")
    phone, issued = registration_phone_start(region=region, number=number)
    notification_send(
        event="identity.phone_verification_code",
        to_phone=phone,
        context={"code": issued.code, "expires_minutes": int(CODE_TTL.total_seconds() // 60)},
        language=_language(request),
        voice=voice,
    )
    return {
        **state,
        "phone": {
            "number": phone,
            "region": region,
            "voice": voice,
            "resend_after": issued.resend_after.isoformat(),
        },
    }


def account_create(request, *, state: dict, code: str) -> User:
    """Create the account once ``code`` proves the pending number, and queue the welcome
    e-mail. Raises ``EmailTaken`` when the address got an account in the meantime."""
    _limit(request, action="check_code")
    details = given_details(state)
    user = user_register(
        email=proved_email(state),
        password_hash=details["password_hash"],
        given_name=details["given_name"],
        display_name=details["display_name"],
        surname=details["surname"],
        phone=pending_phone(state),
        phone_code=code,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
    )
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
    return user


# --- the wizard ------------------------------------------------------------------------


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
            "invitation": _invitation(request),
            "pending_email": step.get("address", ""),
            "email": email,
            "error": error,
            "code_error": code_error,
            "resend_wait": seconds_left(step.get("resend_after")),
        },
        status=status,
    )


def _send_email_code(request, email: str):
    try:
        state = email_code_send(request, email=email)
    except RateLimited as exc:
        return _email_page(request, email=email, error=exc.message, status=429)
    except ApplicationError as exc:
        return _email_page(request, email=email, error=exc.message, status=400)
    _save(request, state)
    messages.info(
        request,
        _("We sent a verification code to %(email)s. Enter it below.")
        % {"email": state["email"]["address"]},
    )
    return redirect("web:register")


@_anonymous_only
@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "GET" and "invitation" in request.GET:
        return _start_for_invitation(request, request.GET["invitation"])
    invited = _invited_email(request)
    if invited and _email_state(request).get("address", invited) != invited:
        _save(request, {})  # only the invited address may be proved here
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
        # An invitation locks the address: the form's is ignored.
        return _send_email_code(request, _invited_email(request) or request.POST.get("email", ""))
    if action == "resend" and pending:
        return _send_email_code(request, pending)
    if action == "verify" and pending:
        try:
            state = email_code_check(
                request, state=_state(request), code=request.POST.get("code", "")
            )
        except RateLimited as exc:
            return _email_page(request, code_error=exc.message, status=429)
        except ApplicationError as exc:
            return _email_page(request, code_error=exc.message, status=400)
        _save(request, state)
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
            "invitation": _invitation(request),
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
        state = details_give(
            state=_state(request),
            password=request.POST.get("password", ""),
            password_confirm=request.POST.get("password_confirm", ""),
            **values,
        )
    except ApplicationError as exc:
        return _details_page(
            request, values=values, errors=exc.details.get("fields", {}), status=400
        )
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
            "invitation": _invitation(request),
            "regions": _regions(region or step.get("region") or DEFAULT_REGION),
            "number": number,
            "pending_phone": step.get("number", ""),
            "voice": step.get("voice", False),
            "resend_wait": seconds_left(step.get("resend_after")),
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

    try:
        state = phone_code_send(
            request, state=_state(request), region=region, number=number, voice=voice
        )
    except RateLimited as exc:
        return refused(exc.message, 429)
    except ApplicationError as exc:
        return refused(exc.message, 400)
    _save(request, state)
    phone = state["phone"]["number"]
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


def _create_account(request):
    try:
        user = account_create(request, state=_state(request), code=request.POST.get("code", ""))
    except RateLimited as exc:
        return _phone_page(request, code_error=exc.message, status=429)
    except EmailTaken as exc:
        request.session.pop(STATE, None)
        messages.error(request, exc.message)
        token = (request.session.pop(INVITATION, None) or {}).get("token")
        if token:
            here = reverse("web:invitation", args=[token])
            return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
        return redirect("account_login")
    except ApplicationError as exc:
        return _phone_page(request, code_error=exc.message, status=400)
    request.session.pop(STATE, None)
    invitation = request.session.pop(INVITATION, None) or {}
    login(request, user, backend=AUTH_BACKEND)
    if invitation.get("token"):
        messages.success(
            request,
            _("Your account was created. Now accept or decline the invitation to %(organization)s.")
            % {"organization": invitation.get("organization", "")},
        )
        return redirect("web:invitation", invitation["token"])
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
        return _create_account(request)
    messages.error(request, _("Ask for a code first."))
    return redirect("web:register_phone")


@require_POST
def register_cancel(request):
    request.session.pop(STATE, None)
    invitation = request.session.pop(INVITATION, None) or {}
    messages.info(request, _("Registration cancelled. Nothing was saved."))
    if invitation.get("token"):
        return redirect("web:invitation", invitation["token"])
    return redirect("web:home")
