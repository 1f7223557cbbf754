"""Sign-up for app clients: the storefront's registration wizard as five API calls.

Mounted by ``config.api`` under ``/api/v1/registration/``. The steps, their rules and their
messages are the wizard's own (``seatwise.web.registration_views``, which calls the same
functions): prove the e-mail address with a code, give a password and Latin names, prove a
phone number with a code (SMS or voice call); the last call creates the account, and the app
then signs in through allauth headless (``/_allauth/app/v1/auth/login``).

The wizard keeps what each step proved in the visitor's session; here the same state is kept
on the server too, in a session record of its own (the configured ``SESSION_ENGINE``, so the
database by default and shared by every worker), and ``registration_token`` is that record's
random key: nothing of the state, not even the password's hash, leaves the server. Every step
returns a new token for the next one, valid for ``TOKEN_MAX_AGE``. An unknown token is
refused, so is one that has expired, and one sent to a step its state is not ready for
(details before the e-mail is proved, ...).

No user enumeration: an address that already has an account gets the same answer (and
allauth's "an account already exists" e-mail instead of a code), and no code proves it.

Replays: the codes are used once, so a token cannot prove the same step twice; the account is
created only for an address that has none, so a token that already created one gets
``email_taken`` (409) with any new phone code.

Limits: sending and checking codes count against the same per-IP limits as the wizard
(``REGISTRATION_RATE_LIMITS``); each code also has its per-address cooldown. Both answer 429
with ``details.retry_after`` and a ``Retry-After`` header.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import import_module

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from seatwise.core import clock
from seatwise.core.errors import ValidationError
from seatwise.core.schemas import ErrorOut
from seatwise.identity.exceptions import PhoneInvalid, RateLimited
from seatwise.web.registration_views import (
    account_create,
    details_give,
    email_code_check,
    email_code_send,
    given_details,
    pending_phone,
    phone_code_send,
    proved_email,
    seconds_left,
)

router = Router(tags=["registration"])

STATE_KEY = "registration_api"
TOKEN_MAX_AGE = dt.timedelta(minutes=30)
SIGN_IN = "sign in through /_allauth/app/v1/auth/login"

ERRORS = {400: ErrorOut, 429: ErrorOut}


class RegistrationTokenInvalid(ValidationError):
    code = "registration_token_invalid"


class RegistrationTokenExpired(ValidationError):
    code = "registration_token_expired"


class RegistrationStepMissing(ValidationError):
    """The token is genuine but its state is not ready for this step."""

    code = "registration_step_missing"


# --- schemas ----------------------------------------------------------------------------

TOKEN_FIELD = Field(..., description="The token the previous step returned.")


class RegistrationEmailIn(Schema):
    email: str = Field(..., description="The address to register.", examples=["olga@example.com"])


class RegistrationCodeIn(Schema):
    registration_token: str = TOKEN_FIELD
    code: str = Field(..., description="The six-digit code that was sent.", examples=["123456"])


class RegistrationDetailsIn(Schema):
    registration_token: str = TOKEN_FIELD
    password: str = Field(..., description="8–64 characters, at least 3 kinds of characters.")
    password_confirm: str
    given_name: str = Field(..., description="Latin letters only.")
    display_name: str = Field(..., description="Latin letters only.")
    surname: str = Field(..., description="Latin letters only.")


class RegistrationPhoneIn(Schema):
    registration_token: str = TOKEN_FIELD
    phone: str = Field(
        ..., description="With its country code (E.164).", examples=["+380501234567"]
    )
    voice: bool = Field(False, description="Call the number and read the code out, not SMS.")


class RegistrationStepOut(Schema):
    registration_token: str = Field(..., description="Send it to the next step.")
    expires_in: int = Field(..., description="Seconds the token stays valid.")


class RegistrationCodeSentOut(RegistrationStepOut):
    sent_to: str = Field(..., description="The address or number (E.164) the code went to.")
    resend_after: int = Field(..., description="Seconds before a new code may be asked for.")


class RegistrationDoneOut(Schema):
    email: str
    next: str = Field(..., description="What the app does now.", examples=[SIGN_IN])


# --- the token --------------------------------------------------------------------------


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _token_out(state: dict) -> dict:
    store = _store()
    store[STATE_KEY] = {"state": state, "created": clock.now().isoformat()}
    # The record outlives the token by an hour, so that a late call says "expired" rather
    # than "not valid"; ``manage.py clearsessions`` removes it afterwards.
    store.set_expiry(int(TOKEN_MAX_AGE.total_seconds()) + 3600)
    store.create()
    return {
        "registration_token": store.session_key,
        "expires_in": int(TOKEN_MAX_AGE.total_seconds()),
    }


def _code_sent_out(state: dict, sent_to: str, resend_after: str) -> dict:
    return {**_token_out(state), "sent_to": sent_to, "resend_after": seconds_left(resend_after)}


def _state(token: str) -> dict:
    record = _store(token if isinstance(token, str) else None).get(STATE_KEY)
    if not isinstance(record, dict) or not isinstance(record.get("state"), dict):
        raise RegistrationTokenInvalid(
            _("This registration token is not valid. Start again with your e-mail address.")
        )
    created = dt.datetime.fromisoformat(record["created"])
    if clock.now() - created > TOKEN_MAX_AGE:
        raise RegistrationTokenExpired(
            _("This registration has expired. Start again with your e-mail address.")
        )
    return record["state"]


def _email_pending(state: dict) -> bool:
    return bool((state.get("email") or {}).get("address")) and not proved_email(state)


def _retry_after(endpoint):
    """A 429 (per-IP limit or a code's cooldown) also carries the ``Retry-After`` header."""

    @functools.wraps(endpoint)
    def wrapped(request, *args, **kwargs):
        try:
            return endpoint(request, *args, **kwargs)
        except RateLimited as exc:
            response = JsonResponse(exc.as_dict(), status=exc.status)
            response["Retry-After"] = str(exc.details.get("retry_after", 1))
            return response

    return wrapped


# --- the steps --------------------------------------------------------------------------


@router.post(
    "/email",
    response={200: RegistrationCodeSentOut, **ERRORS},
    summary="Start: send an e-mail code",
    url_name="registration_email_send",
)
@_retry_after
def registration_email_send(request, payload: RegistrationEmailIn):
    """Send a verification code to the address; the answer is the same whether or not the
    address already has an account (if it has, no code will ever prove it). Call again with
    the same address for a new code once ``resend_after`` has passed."""
    state = email_code_send(request, email=payload.email)
    return _code_sent_out(state, state["email"]["address"], state["email"]["resend_after"])


@router.post(
    "/email/verify",
    response={200: RegistrationStepOut, **ERRORS},
    summary="Prove the e-mail address with its code",
    url_name="registration_email_verify",
)
@_retry_after
def registration_email_verify(request, payload: RegistrationCodeIn):
    """A wrong code answers ``code_invalid`` with the attempts left; after five, ask for a
    new code."""
    state = _state(payload.registration_token)
    if not _email_pending(state):
        raise RegistrationStepMissing(_("Ask for a code first."))
    return _token_out(email_code_check(request, state=state, code=payload.code))


@router.post(
    "/details",
    response={200: RegistrationStepOut, 400: ErrorOut},
    summary="Choose the password and names",
    url_name="registration_details_give",
)
def registration_details_give(request, payload: RegistrationDetailsIn):
    """Every problem of every field at once: ``registration_invalid`` with
    ``details.fields`` mapping a field to its messages. Giving the details again (with a
    token of this or the next step) replaces them and forgets the number."""
    state = _state(payload.registration_token)
    if not proved_email(state):
        raise RegistrationStepMissing(_("Verify your e-mail address first."))
    fields = payload.model_dump(exclude={"registration_token"})
    return _token_out(details_give(state=state, **fields))


@router.post(
    "/phone",
    response={200: RegistrationCodeSentOut, **ERRORS},
    summary="Send a phone code by SMS or call",
    url_name="registration_phone_send",
)
@_retry_after
def registration_phone_send(request, payload: RegistrationPhoneIn):
    """Send the code to the number by SMS, or by a voice call with ``voice``. Call again
    (with this or the returned token) for a new code or another number."""
    state = _state(payload.registration_token)
    if not given_details(state):
        raise RegistrationStepMissing(_("Give your password and names first."))
    if not payload.phone.strip().startswith("+"):
        raise PhoneInvalid(
            _("Enter the phone number with its country code, e.g. +380 67 123 4567.")
        )
    state = phone_code_send(
        request, state=state, region="", number=payload.phone, voice=payload.voice
    )
    return _code_sent_out(state, state["phone"]["number"], state["phone"]["resend_after"])


@router.post(
    "/phone/verify",
    response={201: RegistrationDoneOut, 400: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Prove the phone number and create the account",
    url_name="registration_phone_verify",
)
@_retry_after
def registration_phone_verify(request, payload: RegistrationCodeIn):
    """Creates the account with the proved address and number and sends the welcome
    e-mail; the app then signs in. ``email_taken`` (409): the address got an account in
    the meantime (or this registration already created it)."""
    state = _state(payload.registration_token)
    if not pending_phone(state):
        raise RegistrationStepMissing(_("Ask for a code first."))
    user = account_create(request, state=state, code=payload.code)
    return Status(201, {"email": user.email, "next": SIGN_IN})
