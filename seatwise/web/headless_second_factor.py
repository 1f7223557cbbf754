"""The SMS second factor for allauth headless clients (``app`` and ``browser``).

allauth's ``POST /_allauth/<client>/v1/auth/2fa/authenticate`` checks only authenticator-app
and recovery codes. Two views, served before allauth's URLs (``config/urls.py``), let a
headless sign-in pass the second factor the way the page ``web:second_factor`` does:

- ``POST .../auth/2fa/sms`` ``{"voice": false}`` texts (or reads out by a call) a sign-in
  code to the phone of the user whose sign-in waits for the second factor;
- ``POST .../auth/2fa/authenticate`` ``{"code"}`` takes that code first, then falls back to
  allauth's own check of authenticator-app and recovery codes.

Both are allauth headless views: the pending sign-in is found from the session (``browser``)
or the ``X-Session-Token`` header (``app``) by allauth itself, and the answers have allauth's
shape (``status``, ``data``, ``errors``, ``meta.session_token``). Wrong codes count and lock
like on the page (``seatwise.web.signin``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from allauth.account.stages import LoginStageController
from allauth.headless.base.views import APIView
from allauth.headless.constants import Client
from allauth.headless.internal.restkit import inputs
from allauth.headless.internal.restkit.response import APIResponse
from allauth.headless.mfa.views import AuthenticateView
from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _

from seatwise.identity.exceptions import CodeAttemptsExhausted, CodeInvalid, RateLimited
from seatwise.web.signin import (
    SecondFactorStage,
    locked_message,
    masked_phone,
    second_factor_code_refused,
    second_factor_passed,
    second_factor_wait,
    sign_in_code_check,
    sign_in_code_pending,
    sign_in_code_send,
    sign_in_phone,
)


def _error(
    request, *, message: str, code: str, status: int, param: str = "", retry_after: int = 0
) -> APIResponse:
    """allauth's error shape: ``{"status", "errors": [{"message", "code", "param"}]}``; a
    refusal for a while also says how long (``data.retry_after`` and ``Retry-After``)."""
    error = {"message": message, "code": code}
    if param:
        error["param"] = param
    data = {"retry_after": retry_after} if retry_after else None
    response = APIResponse(request, errors=[error], data=data, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _locked(request, wait: int) -> APIResponse:
    return _error(
        request,
        message=locked_message(wait),
        code="too_many_attempts",
        status=HTTPStatus.TOO_MANY_REQUESTS,
        param="code",
        retry_after=wait,
    )


class SendCodeInput(inputs.Input):
    voice = inputs.BooleanField(required=False)


class SecondFactorSmsView(APIView):
    """Send the sign-in code to the phone of the user whose sign-in waits for it."""

    input_class = SendCodeInput
    input: SendCodeInput

    def handle(self, request, *args: Any, **kwargs: Any):
        self.stage = LoginStageController.enter(request, SecondFactorStage.key)
        if not self.stage:
            return _error(
                request,
                message=_("No sign-in is waiting for a second factor. Sign in first."),
                code="no_pending_second_factor",
                status=HTTPStatus.BAD_REQUEST,
            )
        return super().handle(request, *args, **kwargs)

    def post(self, request, *args: Any, **kwargs: Any):
        user = self.stage.login.user
        phone = sign_in_phone(user)
        if not phone:
            return _error(
                request,
                message=_(
                    "Your account has no phone number for the code. Sign in on the website "
                    "to add one, or use your authenticator app."
                ),
                code="no_phone",
                status=HTTPStatus.BAD_REQUEST,
            )
        wait = second_factor_wait(request, user=user)
        if wait:
            return _locked(request, wait)
        voice = bool(self.input.cleaned_data.get("voice"))
        try:
            resend_after = sign_in_code_send(request, user=user, phone=phone, voice=voice)
        except RateLimited as exc:
            return _error(
                request,
                message=exc.message,
                code=exc.code,
                status=HTTPStatus.TOO_MANY_REQUESTS,
                retry_after=int(exc.details.get("retry_after", 0)),
            )
        return APIResponse(
            request,
            data={"phone": masked_phone(phone), "voice": voice, "resend_after": resend_after},
        )


class SecondFactorAuthenticateView(AuthenticateView):
    """allauth's ``2fa/authenticate`` that takes the SMS sign-in code too."""

    stage_class = SecondFactorStage  # the same key as allauth's stage
    sms_passed = False

    def handle_input(self, data):
        request = self.request
        user = self.stage.login.user
        wait = second_factor_wait(request, user=user)
        if wait:
            return _locked(request, wait)
        code = str((data or {}).get("code") or "").strip()
        phone = sign_in_phone(user)
        sms_sent = bool(code and phone) and sign_in_code_pending(request, user=user)
        if sms_sent and _sms_code_matches(user=user, phone=phone, code=code):
            self.sms_passed = True
            return None
        # Not the SMS code: perhaps one of the authenticator app, which is allauth's turn.
        response = super().handle_input(data)  # authenticator-app and recovery codes
        if response is None or not code or not self._refused_code():
            return response
        message, status = second_factor_code_refused(request, user=user)
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            return _locked(request, second_factor_wait(request, user=user))
        return _error(request, message=message, code="incorrect_code", status=status, param="code")

    def _refused_code(self) -> bool:
        """True when allauth refused the code itself (not its own rate limit)."""
        errors = self.input.errors.as_data().get("code", [])
        return any(error.code == "incorrect_code" for error in errors)

    def post(self, request, *args: Any, **kwargs: Any):
        user = self.stage.login.user
        if self.sms_passed:
            second_factor_passed(request, user=user, method="sms")
            return self.respond_next_stage()
        second_factor_passed(request, user=user, method="totp")
        return super().post(request, *args, **kwargs)


def _patterns(client: Client) -> list:
    prefix = client.value
    return [
        path(
            f"{prefix}/v1/auth/2fa/sms",
            SecondFactorSmsView.as_api_view(client=client),
            name=f"{prefix}_sms",
        ),
        path(
            f"{prefix}/v1/auth/2fa/authenticate",
            SecondFactorAuthenticateView.as_api_view(client=client),
            name=f"{prefix}_authenticate",
        ),
    ]


app_name = "headless_second_factor"
urlpatterns = [
    pattern
    for client in (Client.APP, Client.BROWSER)
    if client.value in settings.HEADLESS_CLIENTS
    for pattern in _patterns(client)
]


def _sms_code_matches(*, user, phone: str, code: str) -> bool:
    """True when ``code`` is the live SMS sign-in code (it is then used up)."""
    try:
        sign_in_code_check(user=user, phone=phone, code=code)
    except (CodeInvalid, CodeAttemptsExhausted):
        return False
    return True
