"""The second factor at every sign-in (SMART cloud guide 3.1): after the password, *Send Code*
texts (or reads out by a call) a six-digit code to the user's verified phone; an
authenticator app (TOTP) or a recovery code does as well. A user who must give a second
factor but has neither a phone nor an authenticator app first verifies a phone number here,
which is then saved to the account.

``SecondFactorStage`` replaces allauth's MFA login stage (same key, so allauth's own TOTP
page keeps working for the stage) and sends the user to ``second_factor``. Who must give a
second factor is ``tenancy.selectors.second_factor_required``; a user with an authenticator
app always must.

Wrong codes count per account and per IP address: after ``ACCOUNT_LIMIT`` (or ``IP_LIMIT``)
in ``WINDOW`` the sign-in is locked until the oldest of them is old enough; the lock is told
to the audit log (``identity.locked_out``) once."""

from __future__ import annotations

import math
import time

import phonenumbers
from allauth.account.internal.decorators import login_stage_required
from allauth.account.internal.flows.login import record_authentication
from allauth.core.internal.httpkit import headed_redirect_response
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from seatwise.core import clock
from seatwise.core.errors import ApplicationError
from seatwise.core.events import publish_after_commit
from seatwise.identity.codes import (
    CODE_TTL,
    RESEND_COOLDOWN,
    verification_code_check,
    verification_code_issue,
)
from seatwise.identity.exceptions import CodeAttemptsExhausted, CodeInvalid, RateLimited
from seatwise.identity.models import CodePurpose
from seatwise.identity.services import user_phone_change_confirm, user_phone_change_start
from seatwise.notifications.services import notification_send
from seatwise.tenancy.selectors import second_factor_required

WINDOW = 15 * 60  # seconds
ACCOUNT_LIMIT = 5  # wrong codes per account in WINDOW
IP_LIMIT = 20  # wrong codes per IP address in WINDOW
STATE = "second_factor"  # session: {"user", "sent_at", "enroll_phone"}
METHODS = ("sms", "totp", "recovery", "enroll")


class SecondFactorStage(AuthenticateStage):
    """allauth's MFA stage, required by the organization's policy, shown on our page."""

    urlname = "web:second_factor"

    def handle(self) -> tuple:
        if self._should_handle(self.request):
            self.state["authentication_required"] = True
            return headed_redirect_response(self.urlname), True
        return None, True

    def _should_handle(self, request) -> bool:
        user = self.login.user
        if user is None or self.login.signup:
            return False  # a sign-up has just proved the e-mail address with a code
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            return True
        return second_factor_required(user=user)


# --- Wrong codes: counted per account and per IP address (also used by password recovery).


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:255]


def _counters(scope: str, request, account: str | None) -> list[tuple[str, int]]:
    keys = [(f"seatwise:failures:{scope}:ip:{client_ip(request)}", IP_LIMIT)]
    if account:
        keys.insert(0, (f"seatwise:failures:{scope}:account:{account}", ACCOUNT_LIMIT))
    return keys


def _recent(key: str, now: float) -> list[float]:
    return [stamp for stamp in cache.get(key, []) if stamp > now - WINDOW]


def failures_wait(scope: str, request, account: str | None = None) -> int:
    """Seconds the caller must wait before trying another code (0: not locked)."""
    now = time.time()
    wait = 0.0
    for key, limit in _counters(scope, request, account):
        stamps = sorted(_recent(key, now))
        if len(stamps) >= limit:
            wait = max(wait, stamps[-limit] + WINDOW - now)
    return math.ceil(wait) if wait > 0 else 0


def failure_record(scope: str, request, account: str | None = None) -> tuple[int, int]:
    """Count a wrong code; returns (seconds locked, attempts left)."""
    now = time.time()
    left = ACCOUNT_LIMIT
    for key, limit in _counters(scope, request, account):
        stamps = [*_recent(key, now), now]
        cache.set(key, stamps, WINDOW)
        left = min(left, limit - len(stamps))
    return failures_wait(scope, request, account), max(left, 0)


def failures_clear(scope: str, request, account: str) -> None:
    cache.delete(_counters(scope, request, account)[0][0])


def lockout_publish(request, *, user_id: int, reason: str, wait: int) -> None:
    """Tell the audit log about a lock, once per lock."""
    if cache.add(f"seatwise:locked:{reason}:{user_id}", True, timeout=wait):
        publish_after_commit(
            "identity.locked_out",
            user_id=user_id,
            actor_id=None,
            reason=reason,
            retry_after=wait,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=user_agent(request),
        )


def locked_message(wait: int) -> str:
    minutes = max(1, (wait + 59) // 60)
    return ngettext(
        "Too many wrong codes. Try again in %(count)d minute.",
        "Too many wrong codes. Try again in %(count)d minutes.",
        minutes,
    ) % {"count": minutes}


def wrong_code_message(left: int) -> str:
    return ngettext(
        "This code is not valid. %(count)d attempt left.",
        "This code is not valid. %(count)d attempts left.",
        left,
    ) % {"count": left}


def masked_phone(phone: str) -> str:
    """+380672498010 → "+380 •• ••• 80 10": the country code and the last four digits."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return "•" * max(len(phone) - 4, 0) + phone[-4:]
    national = str(number.national_number)
    hidden = max(len(national) - 4, 0)
    groups = [g for g in ("•" * max(hidden - 3, 0), "•" * min(hidden, 3)) if g]
    return " ".join([f"+{number.country_code}", *groups, national[-4:-2], national[-2:]])


def code_context() -> dict:
    return {"expires_minutes": int(CODE_TTL.total_seconds() // 60)}


def resend_wait(sent_at: float | None) -> int:
    if not sent_at:
        return 0
    left = sent_at + RESEND_COOLDOWN.total_seconds() - clock.now().timestamp()
    return int(left) + 1 if left > 0 else 0


# --- The second factor, shared by the page and the headless API
# (seatwise.web.headless_second_factor).


def sign_in_phone(user) -> str:
    """The phone the sign-in code goes to (E.164), or "" when the user has none."""
    return user.phone.as_e164 if user.phone else ""


def sign_in_code_send(request, *, user, phone: str, voice: bool) -> int:
    """Text (or, with ``voice``, read out by a call) a new sign-in code to ``phone`` and
    remember the time in the session; returns the seconds until another may be sent.
    Raises ``RateLimited`` (``details["retry_after"]``)."""
    issued = verification_code_issue(purpose=CodePurpose.SIGN_IN, target=phone, user=user)
    notification_send(
        event="identity.sign_in_code",
        to_phone=phone,
        context={"code": issued.code, **code_context()},
        language=getattr(request, "LANGUAGE_CODE", "en"),
        voice=voice,
    )
    state = _state(request, user)
    state["sent_at"] = clock.now().timestamp()
    _save(request, state)
    return resend_wait(state["sent_at"])


def sign_in_code_pending(request, *, user) -> bool:
    """True while a sign-in code sent in this session for ``user`` may still be valid."""
    sent_at = _state(request, user).get("sent_at")
    return bool(sent_at) and clock.now().timestamp() < sent_at + CODE_TTL.total_seconds()


def sign_in_code_check(*, user, phone: str, code: str) -> None:
    """Use the sign-in code texted to ``phone`` for ``user``; raises ``CodeInvalid`` or
    ``CodeAttemptsExhausted``."""
    row = verification_code_check(purpose=CodePurpose.SIGN_IN, target=phone, code=code)
    if row.user_id != user.pk:
        raise CodeInvalid(_("This code is not valid. Ask for a new code."))


def second_factor_wait(request, *, user) -> int:
    """Seconds the sign-in of ``user`` stays locked after wrong codes (0: not locked)."""
    return failures_wait("sign_in", request, str(user.pk))


def second_factor_code_refused(request, *, user) -> tuple[str, int]:
    """Count a wrong second-factor code; the message and HTTP status to answer with (429
    once the sign-in is locked, which is told to the audit log once)."""
    wait, left = failure_record("sign_in", request, str(user.pk))
    if wait:
        lockout_publish(request, user_id=user.pk, reason="second_factor", wait=wait)
        return locked_message(wait), 429
    return wrong_code_message(left), 400


def second_factor_passed(request, *, user, method: str) -> None:
    """The second factor is given: forget the wrong codes and the page's state, and record
    an SMS code as allauth records its own (it records TOTP and recovery codes itself)."""
    failures_clear("sign_in", request, str(user.pk))
    request.session.pop(STATE, None)
    if method in ("sms", "enroll"):
        record_authentication(request, user, "mfa", type="sms")


# --- The page.


def _state(request, user) -> dict:
    state = request.session.get(STATE) or {}
    if state.get("user") != user.pk:
        state = {"user": user.pk}
    return state


def _save(request, state: dict) -> None:
    request.session[STATE] = state


def _options(user) -> dict:
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    phone = sign_in_phone(user)
    has_totp = Authenticator.Type.TOTP in types
    return {
        "phone": phone,
        "has_totp": has_totp,
        "has_recovery": Authenticator.Type.RECOVERY_CODES in types and has_totp,
        "can_enroll": not phone and not has_totp,
    }


def _method(request, options: dict) -> str:
    asked = request.POST.get("method") or request.GET.get("method") or ""
    allowed = {
        "sms": bool(options["phone"]),
        "totp": options["has_totp"],
        "recovery": options["has_recovery"],
        "enroll": options["can_enroll"],
    }
    if allowed.get(asked):
        return asked
    return next(method for method in METHODS if allowed[method] or method == "enroll")


def _here(method: str):
    return redirect(f"{reverse('web:second_factor')}?method={method}")


def _page(request, *, user, options, method, state, error="", status=200, phone_input=""):
    locked = failures_wait("sign_in", request, str(user.pk))
    if locked and not error:
        error = locked_message(locked)
    return render(
        request,
        "web/signin/second_factor.html",
        {
            "method": method,
            "masked_phone": masked_phone(options["phone"]) if options["phone"] else "",
            "has_phone": bool(options["phone"]),
            "has_totp": options["has_totp"],
            "has_recovery": options["has_recovery"],
            "code_sent": bool(state.get("sent_at")) and method == "sms",
            "resend_wait": resend_wait(state.get("sent_at")),
            "enroll_phone": state.get("enroll_phone", ""),
            "enroll_masked": masked_phone(state["enroll_phone"])
            if state.get("enroll_phone")
            else "",
            "phone_input": phone_input,
            "error": error,
            "locked_wait": locked,
        },
        status=status,
    )


def _send_sign_in_code(request, *, user, phone: str, state: dict, voice: bool) -> None:
    try:
        sign_in_code_send(request, user=user, phone=phone, voice=voice)
    except RateLimited as exc:
        messages.error(request, exc.message)
        return
    shown = masked_phone(phone)
    if voice:
        messages.info(request, _("We are calling %(phone)s with a code.") % {"phone": shown})
    else:
        messages.info(request, _("We sent a code by SMS to %(phone)s.") % {"phone": shown})


def _send_enroll_code(request, *, user, phone: str, state: dict, voice: bool):
    normalized, issued = user_phone_change_start(user=user, phone=phone)
    notification_send(
        event="identity.phone_verification_code",
        to_phone=normalized,
        context={"code": issued.code, **code_context()},
        language=getattr(request, "LANGUAGE_CODE", "en"),
        voice=voice,
    )
    state["enroll_phone"] = normalized
    state["sent_at"] = clock.now().timestamp()
    _save(request, state)
    shown = masked_phone(normalized)
    if voice:
        messages.info(request, _("We are calling %(phone)s with a code.") % {"phone": shown})
    else:
        messages.info(request, _("We sent a code by SMS to %(phone)s.") % {"phone": shown})


def _check(request, *, user, options: dict, method: str, state: dict, code: str) -> bool:
    """True when ``code`` proves the second factor by ``method``; raises CodeInvalid."""
    if method == "sms":
        sign_in_code_check(user=user, phone=options["phone"], code=code)
        return True
    if method in ("totp", "recovery"):
        form = AuthenticateForm(user=user, data={"code": code})
        if not form.is_valid():
            raise CodeInvalid(_("This code is not valid."))
        form.save()  # records the authentication as allauth's own MFA page does
        return True
    if method == "enroll" and state.get("enroll_phone"):
        user_phone_change_confirm(
            user=user,
            phone=state["enroll_phone"],
            code=code,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=user_agent(request),
        )
        return True
    raise CodeInvalid(_("Ask for a code first."))


@login_stage_required(stage=SecondFactorStage.key, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def second_factor(request):
    stage = request._login_stage
    user = stage.login.user
    options = _options(user)
    method = _method(request, options)
    state = _state(request, user)
    if request.method == "GET":
        return _page(request, user=user, options=options, method=method, state=state)

    action = request.POST.get("action", "")
    if action == "cancel":
        request.session.pop(STATE, None)
        return stage.abort()
    wait = second_factor_wait(request, user=user)
    if wait:
        return _page(
            request,
            user=user,
            options=options,
            method=method,
            state=state,
            error=locked_message(wait),
            status=429,
        )
    if action in ("send", "call") and method == "sms":
        _send_sign_in_code(
            request, user=user, phone=options["phone"], state=state, voice=action == "call"
        )
        return _here(method)
    if action in ("send", "call") and method == "enroll":
        phone = request.POST.get("phone", "") or state.get("enroll_phone", "")
        try:
            _send_enroll_code(request, user=user, phone=phone, state=state, voice=action == "call")
        except RateLimited as exc:
            messages.error(request, exc.message)
        except ApplicationError as exc:
            return _page(
                request,
                user=user,
                options=options,
                method=method,
                state=state,
                error=exc.message,
                status=400,
                phone_input=phone,
            )
        return _here(method)
    if action == "change_phone" and method == "enroll":
        state.pop("enroll_phone", None)
        state.pop("sent_at", None)
        _save(request, state)
        return _here(method)
    if action == "verify":
        try:
            _check(
                request,
                user=user,
                options=options,
                method=method,
                state=state,
                code=request.POST.get("code", ""),
            )
        except (CodeInvalid, CodeAttemptsExhausted):
            error, status = second_factor_code_refused(request, user=user)
            return _page(
                request,
                user=user,
                options=options,
                method=method,
                state=state,
                error=error,
                status=status,
            )
        except ApplicationError as exc:
            return _page(
                request,
                user=user,
                options=options,
                method=method,
                state=state,
                error=exc.message,
                status=400,
            )
        second_factor_passed(request, user=user, method=method)
        return stage.exit()
    return _here(method)
