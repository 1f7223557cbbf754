"""Registration services: e-mail code (no enumeration), details (password policy, Latin
names), phone code, and creating the account in one transaction."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import check_password

from config.settings import base as base_settings
from seatwise.core import events
from seatwise.identity.exceptions import CodeInvalid, PhoneInvalid
from seatwise.identity.models import CodePurpose, User, VerificationCode
from seatwise.identity.registration import (
    EmailInvalid,
    EmailTaken,
    RegistrationInvalid,
    registration_details_validate,
    registration_email_confirm,
    registration_email_start,
    registration_phone_normalize,
    registration_phone_start,
    user_register,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Blue-Sky-2026"
PHONE = "+380501234567"


@pytest.fixture
def published():
    seen: list[events.Event] = []
    events.subscribe("identity.registered", seen.append)
    yield seen
    events.unsubscribe("identity.registered", seen.append)


def _details(**overrides):
    values = {
        "email": "olga@example.test",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "given_name": "Olga",
        "display_name": "Olga S",
        "surname": "Sikur",
        **overrides,
    }
    return registration_details_validate(**values)


def _register(**overrides):
    details = _details()
    _phone, issued = registration_phone_start(region="UA", number="50 123 4567")
    values = {
        "email": "olga@example.test",
        "password_hash": details.password_hash,
        "given_name": details.given_name,
        "display_name": details.display_name,
        "surname": details.surname,
        "phone": PHONE,
        "phone_code": issued.code,
        **overrides,
    }
    return user_register(**values), issued


def test_argon2_hashes_passwords_outside_the_tests():
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert {"NAME": "seatwise.identity.validators.SeatwisePasswordValidator"} in (
        base_settings.AUTH_PASSWORD_VALIDATORS
    )


def test_an_email_code_is_issued_for_the_normalized_address():
    started = registration_email_start(email="  Olga@Example.TEST ")

    assert (started.email, started.account_exists) == ("olga@example.test", False)
    assert len(started.issued.code) == 6
    (row,) = VerificationCode.objects.all()
    assert (row.purpose, row.target, row.user) == (
        CodePurpose.EMAIL_VERIFICATION,
        "olga@example.test",
        None,
    )


def test_an_invalid_address_is_refused_and_no_code_is_issued():
    with pytest.raises(EmailInvalid, match=r"Enter a valid e-mail address\."):
        registration_email_start(email="olga@")
    assert VerificationCode.objects.count() == 0


def test_the_right_code_proves_a_new_address():
    started = registration_email_start(email="olga@example.test")

    assert registration_email_confirm(email="OLGA@example.test", code=started.issued.code) == (
        "olga@example.test"
    )


def test_an_address_with_an_account_gets_a_code_but_no_code_ever_proves_it():
    User.objects.create_user("olga@example.test", "Passw0rd!x")
    started = registration_email_start(email="olga@example.test")
    assert started.account_exists is True

    with pytest.raises(CodeInvalid) as refused:
        registration_email_confirm(email="olga@example.test", code=started.issued.code)
    assert refused.value.message == "This code is not valid. Ask for a new code."


def test_a_verified_secondary_address_of_another_account_counts_as_taken():
    other = User.objects.create_user("rita@example.test", "Passw0rd!x")
    EmailAddress.objects.create(user=other, email="olga@example.test", verified=True)

    assert registration_email_start(email="olga@example.test").account_exists is True


def test_a_wrong_email_code_counts_an_attempt():
    registration_email_start(email="olga@example.test")

    with pytest.raises(CodeInvalid, match=r"4 attempt\(s\) left"):
        registration_email_confirm(email="olga@example.test", code="not-it")


def test_valid_details_return_the_names_and_a_django_hash_of_the_password():
    details = _details(given_name=" Mary-Jane ", surname="O'Neil")

    assert (details.given_name, details.display_name, details.surname) == (
        "Mary-Jane",
        "Olga S",
        "O'Neil",
    )
    assert details.password_hash != PASSWORD
    assert check_password(PASSWORD, details.password_hash)


def test_every_broken_rule_is_explained_per_field():
    with pytest.raises(RegistrationInvalid) as refused:
        _details(
            password="abc",
            password_confirm="abd",
            given_name="Ольга",
            display_name="",
            surname="Sikur2",
        )
    fields = refused.value.details["fields"]
    assert fields["password"][:2] == [
        "Use between 8 and 64 characters (this one has 3).",
        "Use at least 3 kinds of characters; add an uppercase letter or a digit or a symbol.",
    ]
    assert fields["password_confirm"] == ["The two passwords do not match."]
    assert fields["given_name"] == ["Use Latin letters only (A–Z), without digits or symbols."]
    assert fields["display_name"] == ["This field is required."]
    assert fields["surname"] == ["Use Latin letters only (A–Z), without digits or symbols."]


def test_a_password_longer_than_64_characters_is_refused():
    long = "Aa1!" * 17
    with pytest.raises(RegistrationInvalid) as refused:
        _details(password=long, password_confirm=long)
    assert refused.value.details["fields"] == {
        "password": ["Use between 8 and 64 characters (this one has 68)."]
    }


def test_a_missing_confirmation_is_required():
    with pytest.raises(RegistrationInvalid) as refused:
        _details(password_confirm="")
    assert refused.value.details["fields"] == {"password_confirm": ["This field is required."]}


@pytest.mark.parametrize(
    ("region", "number", "expected"),
    [
        ("UA", "50 123 4567", "+380501234567"),
        ("ua", "050 123 4567", "+380501234567"),
        ("DE", "+380 50 123 4567", "+380501234567"),  # the number's own code wins
        ("GB", "7700 900123", "+447700900123"),
    ],
)
def test_the_phone_number_gets_the_chosen_country_code(region, number, expected):
    assert registration_phone_normalize(region=region, number=number) == expected


@pytest.mark.parametrize(("region", "number"), [("UA", ""), ("", "501234567"), ("UA", "12")])
def test_a_phone_number_without_a_usable_country_code_is_refused(region, number):
    with pytest.raises(PhoneInvalid):
        registration_phone_normalize(region=region, number=number)


def test_registering_creates_the_user_with_a_verified_email_and_tells_subscribers(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, _issued = _register(ip="203.0.113.9", user_agent="Firefox")

    user.refresh_from_db()
    assert (user.email, user.given_name, user.display_name, user.surname) == (
        "olga@example.test",
        "Olga",
        "Olga S",
        "Sikur",
    )
    assert user.phone == PHONE
    assert user.check_password(PASSWORD)
    assert user.is_active and not user.is_staff
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    ) == [("olga@example.test", True, True)]
    (event,) = published
    assert event.payload == {
        "user_id": user.pk,
        "email": "olga@example.test",
        "phone": PHONE,
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
    }


def test_a_wrong_phone_code_creates_nothing(published, django_capture_on_commit_callbacks):
    details = _details()
    registration_phone_start(region="UA", number="501234567")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CodeInvalid):
        user_register(
            email="olga@example.test",
            password_hash=details.password_hash,
            given_name="Olga",
            display_name="Olga",
            surname="Sikur",
            phone=PHONE,
            phone_code="000000x",
        )

    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert published == []
    assert VerificationCode.objects.get(purpose=CodePurpose.PHONE_VERIFICATION).attempts == 1


def test_an_address_taken_in_the_meantime_writes_nothing(
    published, django_capture_on_commit_callbacks
):
    User.objects.create_user("Olga@example.test", "Passw0rd!x")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(EmailTaken):
        _register()

    assert User.objects.count() == 1
    assert EmailAddress.objects.count() == 0
    assert published == []


def test_a_plaintext_password_is_never_stored_as_the_hash():
    _phone, issued = registration_phone_start(region="UA", number="501234567")
    with pytest.raises(RegistrationInvalid):
        user_register(
            email="olga@example.test",
            password_hash=PASSWORD,
            given_name="Olga",
            display_name="Olga",
            surname="Sikur",
            phone=PHONE,
            phone_code=issued.code,
        )
    assert User.objects.count() == 0
    # The code was not spent on a refused request.
    assert VerificationCode.objects.get(purpose=CodePurpose.PHONE_VERIFICATION).used_at is None
