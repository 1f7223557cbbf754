import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from seatwise.identity.validators import (
    SeatwisePasswordValidator,
    password_problems,
    password_rule_text,
    validate_latin_name,
)


@pytest.mark.parametrize(
    "password",
    ["Abcdefg1", "abcdef1!", "ABCDEF1!", "Abcdefg!", "x" * 61 + "A1!", "Пароль12!"],
)
def test_passwords_with_three_kinds_and_8_to_64_characters_pass(password):
    assert password_problems(password) == []
    SeatwisePasswordValidator().validate(password)


def test_too_short_and_too_long_are_explained_with_the_length():
    assert password_problems("Ab1!") == ["Use between 8 and 64 characters (this one has 4)."]
    assert password_problems("Ab1!" * 17) == ["Use between 8 and 64 characters (this one has 68)."]


def test_too_few_kinds_names_what_is_missing():
    assert password_problems("abcdefgh") == [
        "Use at least 3 kinds of characters; add an uppercase letter or a digit or a symbol."
    ]
    assert password_problems("abcdefg1") == [
        "Use at least 3 kinds of characters; add an uppercase letter or a symbol."
    ]


def test_every_problem_is_reported_at_once():
    assert len(password_problems("abc")) == 2


def test_the_validator_is_django_s_password_validator(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "seatwise.identity.validators.SeatwisePasswordValidator"}
    ]
    with pytest.raises(ValidationError) as exc:
        validate_password("short")
    assert exc.value.messages == [
        "Use between 8 and 64 characters (this one has 5).",
        "Use at least 3 kinds of characters; add an uppercase letter or a digit or a symbol.",
    ]
    assert "at least 3 of the following" in SeatwisePasswordValidator().get_help_text()


def test_the_rule_text_matches_the_guide():
    assert password_rule_text() == [
        "The password must be between 8 and 64 characters.",
        "The password must have at least 3 of the following:",
        "a lowercase letter",
        "an uppercase letter",
        "a digit",
        "a symbol",
    ]


@pytest.mark.parametrize("name", ["Olga", "Mary-Jane", "O'Neil", "Van Dyke"])
def test_latin_names_pass(name):
    validate_latin_name(name)


@pytest.mark.parametrize("name", ["Ольга", "Olga1", "Olga!", "", " ", "Olga--Marie", "Zoë"])
def test_names_with_other_letters_digits_or_symbols_are_refused(name):
    with pytest.raises(ValidationError) as exc:
        validate_latin_name(name)
    assert exc.value.code == "latin_only"


def test_passwords_are_hashed_with_argon2_outside_the_test_settings():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    encoded = Argon2PasswordHasher().encode("Seatwise-demo-2026", Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$")
    assert Argon2PasswordHasher().verify("Seatwise-demo-2026", encoded)
