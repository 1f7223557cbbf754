"""Password recovery (SMART cloud guide 3.2): *Forgot password?* → the e-mail address → a code
by e-mail → *Send Code* to the verified phone → a new password → all the user's sessions end
and the user signs in again. A user without a verified phone skips the phone step.

Nothing tells whether an address has an account: an unknown address gets the same "we sent a
code" step (no e-mail is sent) and every code entered for it is refused like a wrong one.
The address, the user and the step reached live in the session, never in the form.

Limits: allauth's ``reset_password`` rate (per IP and per address) on asking, the code
cooldown and hourly cap of ``identity.codes`` per target, and wrong codes counted per IP
and per account (``signin.failure_record``)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seatwise.core import clock
from seatwise.core.errors import ApplicationError
from seatwise.identity.codes import verification_code_check, verification_code_issue
from seatwise.identity.exceptions import CodeAttemptsExhausted, CodeInvalid, RateLimited
from seatwise.identity.models import CodePurpose
from seatwise.identity.passwords import user_for_recovery, user_password_reset
from seatwise.notifications.services import notification_send
from seatwise.web.signin import (
    client_ip,
    code_context,
    failure_record,
    failures_wait,
    locked_message,
    lockout_publish,
    masked_phone,
    resend_wait,
    user_agent,
    wrong_code_message,
)

STATE = "password_recovery"  # session: {"email", "user", "phone", "step", "at", "sent_at"}
MAX_AGE = 30 * 60  # seconds a recovery may take
SCOPE = "recovery"
STEPS = {
    "email_code": "web:password_recovery_email_code",
    "phone_code": "web:password_recovery_phone_code",
    "password": "web:password_recovery_password",
}


def _state(request) -> dict | None:
    state = request.session.get(STATE)
    if not state or clock.now().timestamp() - state.get("at", 0) > MAX_AGE:
        request.session.pop(STATE, None)
        return None
    return state


def _save(request, state: dict) -> None:
    request.session[STATE] = state


def _language(request) -> str:
    return getattr(request, "LANGUAGE_CODE", "en")


def _at_step(request, step: str):
    """The recovery state when the user has reached ``step``; otherwise None."""
    state = _state(request)
    if state is None or state.get("step") != step:
        return None
    return state


def _elsewhere(request):
    """Where a user who is not at this step belongs."""
    state = _state(request)
    if state is None:
        messages.info(request, _("Enter your e-mail address to recover your password."))
        return redirect("web:password_recovery")
    return redirect(STEPS[state["step"]])


def _issue_email_code(request, state: dict) -> str:
    """Issue (and, for a real account, send) the e-mail code; an error message or ""."""
    email = state["email"]
    try:
        issued = verification_code_issue(
            purpose=CodePurpose.PASSWORD_RESET_EMAIL, target=email, user=None
        )
    except RateLimited as exc:
        return exc.message
    if state.get("user"):
        notification_send(
            event="identity.password_reset_code",
            to_email=email,
            context={"code": issued.code, **code_context()},
            language=_language(request),
        )
    state["sent_at"] = clock.now().timestamp()
    _save(request, state)
    return ""


def _refuse(request, state: dict, template: str, context: dict, exc: Exception):
    """Count a wrong code and show the page again with the message."""
    account = str(state["user"]) if state.get("user") else state["email"]
    wait, left = failure_record(SCOPE, request, account)
    if wait:
        if state.get("user"):
            lockout_publish(request, user_id=state["user"], reason="password_recovery", wait=wait)
        return render(request, template, {**context, "error": locked_message(wait)}, status=429)
    message = wrong_code_message(left)
    if isinstance(exc, CodeAttemptsExhausted):
        message = exc.message
    return render(request, template, {**context, "error": message}, status=400)


def _locked(request, state: dict) -> int:
    account = str(state["user"]) if state.get("user") else state["email"]
    return failures_wait(SCOPE, request, account)


@require_http_methods(["GET", "POST"])
def password_recovery(request):
    """Step 1: the e-mail address used for registration."""
    template = "web/signin/recovery_email.html"
    if request.method == "GET":
        return render(request, template, {"email": ""})
    email = request.POST.get("email", "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        return render(
            request,
            template,
            {"email": email, "error": _("Enter a valid e-mail address.")},
            status=400,
        )
    if not ratelimit.consume(request, action="reset_password", key=email):
        return render(
            request,
            template,
            {"email": email, "error": _("Too many requests. Try again in a minute.")},
            status=429,
        )
    user = user_for_recovery(email=email)
    state = {
        "email": email,
        "user": user.pk if user else None,
        "phone": user.phone.as_e164 if user and user.phone else "",
        "step": "email_code",
        "at": clock.now().timestamp(),
    }
    error = _issue_email_code(request, state)
    if error:
        return render(request, template, {"email": email, "error": error}, status=429)
    messages.info(
        request,
        _("If %(email)s has an account, we sent a code to it.") % {"email": email},
    )
    return redirect("web:password_recovery_email_code")


@require_http_methods(["GET", "POST"])
def password_recovery_email_code(request):
    """Step 2: the code sent by e-mail."""
    state = _at_step(request, "email_code")
    if state is None:
        return _elsewhere(request)
    template = "web/signin/recovery_code.html"
    context = {
        "step": "email",
        "email": state["email"],
        "resend_wait": resend_wait(state.get("sent_at")),
    }
    if request.method == "GET":
        return render(request, template, context)
    action = request.POST.get("action", "")
    if action == "cancel":
        request.session.pop(STATE, None)
        return redirect("account_login")
    if action == "resend":
        error = _issue_email_code(request, state)
        if error:
            messages.error(request, error)
        else:
            messages.info(request, _("We sent a new code."))
        return redirect("web:password_recovery_email_code")
    wait = _locked(request, state)
    if wait:
        return render(request, template, {**context, "error": locked_message(wait)}, status=429)
    try:
        verification_code_check(
            purpose=CodePurpose.PASSWORD_RESET_EMAIL,
            target=state["email"],
            code=request.POST.get("code", ""),
        )
        if not state.get("user"):
            raise CodeInvalid(_("This code is not valid. Ask for a new code."))
    except (CodeInvalid, CodeAttemptsExhausted) as exc:
        return _refuse(request, state, template, context, exc)
    state["step"] = "phone_code" if state.get("phone") else "password"
    state.pop("sent_at", None)
    _save(request, state)
    return redirect(STEPS[state["step"]])


@require_http_methods(["GET", "POST"])
def password_recovery_phone_code(request):
    """Step 3: Send Code to the verified phone, then the code."""
    state = _at_step(request, "phone_code")
    if state is None:
        return _elsewhere(request)
    template = "web/signin/recovery_code.html"
    context = {
        "step": "phone",
        "masked_phone": masked_phone(state["phone"]),
        "code_sent": bool(state.get("sent_at")),
        "resend_wait": resend_wait(state.get("sent_at")),
    }
    if request.method == "GET":
        return render(request, template, context)
    action = request.POST.get("action", "")
    if action == "cancel":
        request.session.pop(STATE, None)
        return redirect("account_login")
    if action in ("send", "call"):
        try:
            issued = verification_code_issue(
                purpose=CodePurpose.PASSWORD_RESET_PHONE, target=state["phone"], user=None
            )
        except RateLimited as exc:
            messages.error(request, exc.message)
            return redirect("web:password_recovery_phone_code")
        notification_send(
            event="identity.password_reset_code",
            to_phone=state["phone"],
            context={"code": issued.code, **code_context()},
            language=_language(request),
            voice=action == "call",
        )
        state["sent_at"] = clock.now().timestamp()
        _save(request, state)
        shown = masked_phone(state["phone"])
        if action == "call":
            messages.info(request, _("We are calling %(phone)s with a code.") % {"phone": shown})
        else:
            messages.info(request, _("We sent a code by SMS to %(phone)s.") % {"phone": shown})
        return redirect("web:password_recovery_phone_code")
    wait = _locked(request, state)
    if wait:
        return render(request, template, {**context, "error": locked_message(wait)}, status=429)
    try:
        verification_code_check(
            purpose=CodePurpose.PASSWORD_RESET_PHONE,
            target=state["phone"],
            code=request.POST.get("code", ""),
        )
    except (CodeInvalid, CodeAttemptsExhausted) as exc:
        return _refuse(request, state, template, context, exc)
    state["step"] = "password"
    _save(request, state)
    return redirect("web:password_recovery_password")


@require_http_methods(["GET", "POST"])
def password_recovery_password(request):
    """Step 4: the new password, twice (the registration policy applies)."""
    state = _at_step(request, "password")
    if state is None:
        return _elsewhere(request)
    template = "web/signin/recovery_password.html"
    if request.method == "GET":
        return render(request, template, {"errors": {}})
    if request.POST.get("action") == "cancel":
        request.session.pop(STATE, None)
        return redirect("account_login")
    user = user_for_recovery(email=state["email"])
    if user is None or user.pk != state.get("user"):
        request.session.pop(STATE, None)
        return redirect("web:password_recovery")
    try:
        user_password_reset(
            user=user,
            password=request.POST.get("password1", ""),
            confirm=request.POST.get("password2", ""),
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
    except ApplicationError as exc:
        return render(request, template, {"errors": exc.details.get("fields", {})}, status=400)
    # A sign-in locked by wrong passwords opens again with the new one (as allauth's reset).
    get_account_adapter(request)._delete_login_attempts_cached_email(request, email=user.email)
    if request.user.is_authenticated:
        logout(request)
    request.session.pop(STATE, None)
    return redirect("web:password_recovery_done")


def password_recovery_done(request):
    return render(request, "web/signin/recovery_done.html")
