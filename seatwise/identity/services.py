"""Identity services: the writes other apps may ask of the identity app."""

from __future__ import annotations

import phonenumbers
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from seatwise.core.events import publish_after_commit
from seatwise.identity.codes import IssuedCode, verification_code_check, verification_code_issue
from seatwise.identity.exceptions import CodeInvalid, PhoneInvalid, PhoneUnchanged, ProfileInvalid
from seatwise.identity.models import CodePurpose, User
from seatwise.identity.validators import validate_latin_name


@transaction.atomic
def user_email_mark_verified(*, user: User) -> EmailAddress:
    """Record the user's own e-mail address as verified and primary, so that allauth (with
    mandatory verification) lets the user sign in. Writes nothing when it already is."""
    address = (
        EmailAddress.objects.select_for_update().filter(user=user, email__iexact=user.email).first()
    )
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        return EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if address.verified and address.primary:
        return address
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    address.verified = True
    address.primary = True
    address.save(update_fields=["verified", "primary"])
    return address


@transaction.atomic
def user_profile_update(*, user: User, given_name: str, display_name: str, surname: str) -> User:
    """Change the user's names (Latin letters only, SMART cloud guide 2.1). On any error
    raises ``ProfileInvalid`` with one message per field and writes nothing."""
    values = {
        "given_name": (given_name or "").strip(),
        "display_name": (display_name or "").strip(),
        "surname": (surname or "").strip(),
    }
    errors: dict[str, str] = {}
    for field, value in values.items():
        if not value:
            errors[field] = _("This field is required.")
            continue
        try:
            validate_latin_name(value)
        except DjangoValidationError as exc:
            errors[field] = " ".join(exc.messages)
    if errors:
        raise ProfileInvalid(_("Please correct the marked fields."), details={"fields": errors})
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = [field for field, value in values.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, values[field])
    if changed:
        user.save(update_fields=changed)
    return user


def _phone_normalize(phone: str) -> str:
    """``phone`` in E.164, or ``PhoneInvalid``: the country code is required."""
    text = (phone or "").strip()
    try:
        number = phonenumbers.parse(text, None) if text.startswith("+") else None
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise PhoneInvalid(
            _("Enter the phone number with its country code, e.g. +380 67 123 4567.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _current_phone(user: User) -> str:
    return user.phone.as_e164 if user.phone else ""


@transaction.atomic
def user_phone_change_start(*, user: User, phone: str) -> tuple[str, IssuedCode]:
    """Issue a code to verify ``phone`` as the user's new number; returns the number in
    E.164 and the code (for the caller to send, never to store). Raises ``PhoneInvalid``,
    ``PhoneUnchanged`` or ``RateLimited`` (with the wait)."""
    normalized = _phone_normalize(phone)
    if normalized == _current_phone(user):
        raise PhoneUnchanged(_("This is already your phone number."))
    issued = verification_code_issue(
        purpose=CodePurpose.PHONE_VERIFICATION, target=normalized, user=user
    )
    return normalized, issued


def user_phone_change_confirm(
    *, user: User, phone: str, code: str, ip: str | None = None, user_agent: str = ""
) -> User:
    """Save ``phone`` as the user's number once ``code`` (issued to this user for this
    number) checks, and tell the audit log. Raises ``CodeInvalid`` (attempts left),
    ``CodeAttemptsExhausted``, ``PhoneInvalid`` or ``PhoneUnchanged``; on error the phone
    is unchanged.

    The code check runs in its own transaction, not inside this one: a wrong try must stay
    counted although the call raises."""
    normalized = _phone_normalize(phone)
    if normalized == _current_phone(user):
        raise PhoneUnchanged(_("This is already your phone number."))
    row = verification_code_check(
        purpose=CodePurpose.PHONE_VERIFICATION, target=normalized, code=code
    )
    if row.user_id != user.pk:
        raise CodeInvalid(_("This code is not valid. Ask for a new code."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.phone = normalized
        user.save(update_fields=["phone"])
        publish_after_commit(
            "identity.phone_changed",
            user_id=user.pk,
            phone=normalized,
            ip=ip,
            user_agent=user_agent,
        )
    return user
