"""Self-registration on the storefront (SMART cloud guide 2.1–2.2): prove the e-mail address
with a code, choose a password and names, prove a phone number with a code (SMS or voice
call), and only then create the account.

The steps are separate calls; the caller (the web wizard) keeps what each step proved in the
server-side session and never passes a plaintext password between steps: the details step
returns the password already hashed by Django (the first of ``PASSWORD_HASHERS``).

No user enumeration: ``registration_email_start`` answers the same for an address that
already has an account (a code is issued and rate-limited as for any address, but the caller
is told ``account_exists`` so that it sends a "you already have an account" notice instead
of the code), and ``registration_email_confirm`` then refuses every code for that address
with the same message as a wrong code.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from seatwise.core.errors import ConflictError, ValidationError
from seatwise.core.events import publish_after_commit
from seatwise.identity.codes import IssuedCode, verification_code_check, verification_code_issue
from seatwise.identity.exceptions import CodeInvalid, PhoneInvalid
from seatwise.identity.models import CodePurpose, User
from seatwise.identity.services import user_email_mark_verified
from seatwise.identity.validators import validate_latin_name

NAME_FIELDS = ("given_name", "display_name", "surname")


class RegistrationInvalid(ValidationError):
    """One or more fields of the details step break the rules; ``details["fields"]`` maps
    each field to its messages (a list)."""

    code = "registration_invalid"


class EmailInvalid(ValidationError):
    code = "email_invalid"


class EmailTaken(ConflictError):
    """Raised only at the very end, to someone who has proved they own the address (so
    telling them reveals nothing): another registration took it in the meantime."""

    code = "email_taken"


@dataclass(frozen=True)
class EmailCodeStart:
    email: str  # normalized (trimmed, lower-case)
    issued: IssuedCode
    account_exists: bool  # send a notice, not the code; never show this to the visitor


@dataclass(frozen=True)
class RegistrationDetails:
    given_name: str
    display_name: str
    surname: str
    password_hash: str  # never the plaintext


def registration_email_normalize(*, email: str) -> str:
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except DjangoValidationError:
        raise EmailInvalid(_("Enter a valid e-mail address.")) from None
    return address


def _account_exists(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )


def registration_email_start(*, email: str) -> EmailCodeStart:
    """Issue an e-mail verification code for ``email``. Raises ``EmailInvalid`` or
    ``RateLimited`` (with ``retry_after``), the same for every address."""
    address = registration_email_normalize(email=email)
    issued = verification_code_issue(purpose=CodePurpose.EMAIL_VERIFICATION, target=address)
    return EmailCodeStart(email=address, issued=issued, account_exists=_account_exists(address))


def registration_email_confirm(*, email: str, code: str) -> str:
    """Use ``code`` to prove ``email``; returns the normalized address. Raises
    ``CodeInvalid`` (attempts left) or ``CodeAttemptsExhausted``. For an address that
    already has an account no code ever proves it, and the answer is the one a wrong or
    expired code gets."""
    address = registration_email_normalize(email=email)
    verification_code_check(purpose=CodePurpose.EMAIL_VERIFICATION, target=address, code=code)
    if _account_exists(address):
        raise CodeInvalid(_("This code is not valid. Ask for a new code."))
    return address


def _names_clean(values: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    cleaned = {field: (values.get(field) or "").strip() for field in NAME_FIELDS}
    errors: dict[str, list[str]] = {}
    for field, value in cleaned.items():
        if not value:
            errors[field] = [_("This field is required.")]
            continue
        if len(value) > User._meta.get_field(field).max_length:
            errors[field] = [_("This name is too long.")]
            continue
        try:
            validate_latin_name(value)
        except DjangoValidationError as exc:
            errors[field] = list(exc.messages)
    return cleaned, errors


def registration_details_validate(
    *,
    email: str,
    password: str,
    password_confirm: str,
    given_name: str,
    display_name: str,
    surname: str,
) -> RegistrationDetails:
    """Check the password (``AUTH_PASSWORD_VALIDATORS``: 8–64 characters, at least 3 kinds,
    not common, not like the e-mail) and the names (Latin letters only). Raises
    ``RegistrationInvalid`` with every problem of every field; returns the names and the
    hashed password."""
    names, errors = _names_clean(
        {"given_name": given_name, "display_name": display_name, "surname": surname}
    )
    password = password or ""
    if not password:
        errors["password"] = [_("This field is required.")]
    else:
        candidate = User(email=email, **names)
        try:
            validate_password(password, user=candidate)
        except DjangoValidationError as exc:
            errors["password"] = list(exc.messages)
    if not password_confirm:
        errors["password_confirm"] = [_("This field is required.")]
    elif password and password_confirm != password:
        errors["password_confirm"] = [_("The two passwords do not match.")]
    if errors:
        raise RegistrationInvalid(
            _("Please correct the marked fields."), details={"fields": errors}
        )
    return RegistrationDetails(**names, password_hash=make_password(password))


def registration_phone_normalize(*, region: str, number: str) -> str:
    """The number in E.164. ``number`` may carry its own country code ("+380 …"); otherwise
    the country code of ``region`` (ISO 3166 code chosen from the list) is used."""
    text = (number or "").strip()
    parsed = None
    if text:
        try:
            default_region = None if text.startswith("+") else ((region or "").upper() or None)
            parsed = phonenumbers.parse(text, default_region)
        except phonenumbers.NumberParseException:
            parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise PhoneInvalid(
            _("Choose the country code and enter the phone number, e.g. 67 123 4567.")
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def registration_phone_start(*, region: str, number: str) -> tuple[str, IssuedCode]:
    """Issue a phone verification code; returns the number in E.164 and the code (for the
    caller to send by SMS or voice call). Raises ``PhoneInvalid`` or ``RateLimited``."""
    phone = registration_phone_normalize(region=region, number=number)
    issued = verification_code_issue(purpose=CodePurpose.PHONE_VERIFICATION, target=phone)
    return phone, issued


def user_register(
    *,
    email: str,
    password_hash: str,
    given_name: str,
    display_name: str,
    surname: str,
    phone: str,
    phone_code: str,
    ip: str | None = None,
    user_agent: str = "",
) -> User:
    """Create the account once ``phone_code`` proves ``phone``. ``email`` must already have
    been proved with ``registration_email_confirm`` and ``password_hash`` come from
    ``registration_details_validate``.

    The code check runs in its own transaction (a wrong try stays counted although the call
    raises: ``CodeInvalid``, ``CodeAttemptsExhausted``). The user, its verified primary
    e-mail address and the ``identity.registered`` event are written in one transaction:
    on ``EmailTaken``, ``RegistrationInvalid`` or ``PhoneInvalid`` nothing is written."""
    address = registration_email_normalize(email=email)
    number = registration_phone_normalize(region="", number=phone)
    names, errors = _names_clean(
        {"given_name": given_name, "display_name": display_name, "surname": surname}
    )
    try:
        identify_hasher(password_hash)
    except ValueError:
        errors["password"] = [_("Choose the password again.")]
    if errors:
        raise RegistrationInvalid(
            _("Please correct the marked fields."), details={"fields": errors}
        )
    verification_code_check(purpose=CodePurpose.PHONE_VERIFICATION, target=number, code=phone_code)
    taken = EmailTaken(
        _("An account with this e-mail address was created in the meantime. Sign in instead.")
    )
    if _account_exists(address):
        raise taken
    try:
        with transaction.atomic():
            user = User(email=address, phone=number, password=password_hash, **names)
            user.save(force_insert=True)
            user_email_mark_verified(user=user)
            publish_after_commit(
                "identity.registered",
                user_id=user.pk,
                email=address,
                phone=number,
                ip=ip,
                user_agent=user_agent,
            )
    except IntegrityError:
        raise taken from None
    return user
