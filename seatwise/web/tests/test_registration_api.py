"""Sign-up for app clients over HTTP (``/api/v1/registration/``): the wizard's steps with a
signed registration token instead of the session, then a sign-in through allauth headless.
Each refusal: wrong and replayed codes, expired, altered and forged tokens, steps skipped,
an address that has an account, the password and name rules, numbers without a country
code, and the per-IP and per-address limits."""

from __future__ import annotations

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail

from seatwise.identity.models import User
from seatwise.notifications.models import Delivery
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)
from seatwise.web.registration_api import _state
from seatwise.web.tests.test_registration import (  # the wizard's data and helpers
    DETAILS,
    PASSWORD,
    _code,
    _wrong,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/registration"
PHONE = "+380501234567"
NOT_VALID = "This code is not valid. 4 attempt(s) left."


@pytest.fixture
def api(client, django_capture_on_commit_callbacks):
    """POST JSON to a registration endpoint, running what is queued after commit (the
    e-mails and text messages)."""

    def send(path, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"{BASE}{path}", data, content_type="application/json", **extra)

    return send


def _error(response) -> dict:
    return response.json()["error"]


def _sent(api, email="olga@example.test") -> str:
    response = api("/email", {"email": email})
    assert response.status_code == 200, response.content
    return response.json()["registration_token"]


def _proved(api, email="olga@example.test") -> str:
    token = _sent(api, email)
    response = api(
        "/email/verify", {"registration_token": token, "code": _code(mail.outbox[-1].body)}
    )
    assert response.status_code == 200, response.content
    return response.json()["registration_token"]


def _detailed(api, email="olga@example.test") -> str:
    response = api("/details", {"registration_token": _proved(api, email), **DETAILS})
    assert response.status_code == 200, response.content
    return response.json()["registration_token"]


def _phone_sent(api, email="olga@example.test") -> str:
    response = api("/phone", {"registration_token": _detailed(api, email), "phone": PHONE})
    assert response.status_code == 200, response.content
    return response.json()["registration_token"]


# --- the whole journey -------------------------------------------------------------------


def test_an_app_client_registers_and_then_signs_in_through_headless(client, api, sms):
    response = api("/email", {"email": " Olga@Example.test "})
    assert response.status_code == 200
    body = response.json()
    assert (body["sent_to"], body["resend_after"], body["expires_in"]) == (
        "olga@example.test",
        60,
        1800,
    )
    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["olga@example.test"],
        "Your Seatwise e-mail verification code",
    )

    response = api(
        "/email/verify",
        {"registration_token": body["registration_token"], "code": _code(message.body)},
    )
    assert response.status_code == 200
    assert set(response.json()) == {"registration_token", "expires_in"}

    response = api(
        "/details", {"registration_token": response.json()["registration_token"]} | DETAILS
    )
    assert response.status_code == 200
    token = response.json()["registration_token"]
    assert PASSWORD not in token
    assert re.fullmatch(r"[a-z0-9]{32}", token)  # a random key: the state stays on the server
    state = _state(token)
    assert PASSWORD not in str(state)
    assert state["details"]["password_hash"].startswith("md5$")  # the test settings' hasher
    assert User.objects.count() == 0

    response = api("/phone", {"registration_token": token, "phone": "+380 50 123 4567"})
    assert response.status_code == 200
    body = response.json()
    assert (body["sent_to"], body["resend_after"]) == (PHONE, 60)
    (text_message,) = sms
    assert (text_message.to, text_message.kind) == (PHONE, "text")
    assert User.objects.count() == 0

    response = api(
        "/phone/verify",
        {"registration_token": body["registration_token"], "code": _code(text_message.body)},
    )
    assert response.status_code == 201
    assert response.json() == {
        "email": "olga@example.test",
        "next": "sign in through /_allauth/app/v1/auth/login",
    }
    user = User.objects.get()
    assert (user.email, user.given_name, user.display_name, user.surname, user.phone) == (
        "olga@example.test",
        "Olga",
        "Olga S",
        "Sikur",
        PHONE,
    )
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).count() == 1
    assert "_auth_user_id" not in client.session  # the API signs nobody in
    welcome = mail.outbox[-1]
    assert (welcome.to, welcome.subject) == (["olga@example.test"], "Welcome to Seatwise")
    assert "http://testserver/accounts/login/" in welcome.body
    assert Delivery.objects.filter(idempotency_key=f"welcome:{user.pk}").count() == 1

    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": "olga@example.test", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
    body = response.json()
    pending = [flow["id"] for flow in body["data"]["flows"] if flow.get("is_pending")]
    assert pending == ["mfa_authenticate"]
    assert body["meta"]["session_token"]


def test_call_me_instead_sends_the_phone_code_by_a_voice_call(api, sms):
    token = _detailed(api)
    response = api("/phone", {"registration_token": token, "phone": PHONE, "voice": True})
    assert response.status_code == 200
    assert [(m.to, m.kind) for m in sms] == [(PHONE, "voice")]


def test_the_endpoints_are_in_the_openapi_document_with_their_schemas(client):
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]: (path, operation)
        for path, methods in document["paths"].items()
        for operation in methods.values()
        if "registration" in operation.get("tags", ())
    }
    assert {name: path for name, (path, _) in operations.items()} == {
        "registration_email_send": "/api/v1/registration/email",
        "registration_email_verify": "/api/v1/registration/email/verify",
        "registration_details_give": "/api/v1/registration/details",
        "registration_phone_send": "/api/v1/registration/phone",
        "registration_phone_verify": "/api/v1/registration/phone/verify",
    }
    for _path, operation in operations.values():
        request = operation["requestBody"]["content"]["application/json"]["schema"]
        assert request["$ref"].startswith("#/components/schemas/Registration")
        success = next(s for s in operation["responses"] if s in ("200", "201"))
        schema = operation["responses"][success]["content"]["application/json"]["schema"]
        assert schema["$ref"].startswith("#/components/schemas/Registration")
        assert "400" in operation["responses"]
    schemas = document["components"]["schemas"]
    assert set(schemas["RegistrationDetailsIn"]["required"]) == {
        "registration_token",
        "password",
        "password_confirm",
        "given_name",
        "display_name",
        "surname",
    }
    assert "409" in operations["registration_phone_verify"][1]["responses"]


# --- step 1 -----------------------------------------------------------------------------


def test_an_invalid_address_is_refused(api):
    response = api("/email", {"email": "olga@"})
    assert response.status_code == 400
    assert _error(response) == {
        "code": "email_invalid",
        "message": "Enter a valid e-mail address.",
        "details": {},
    }
    assert mail.outbox == []


def test_a_wrong_email_code_is_refused_with_the_attempts_left(api):
    token = _sent(api)
    right = _code(mail.outbox[0].body)
    response = api("/email/verify", {"registration_token": token, "code": _wrong(right)})
    assert response.status_code == 400
    assert _error(response)["code"] == "code_invalid"
    assert _error(response)["message"] == NOT_VALID
    response = api("/details", {"registration_token": token, **DETAILS})
    assert response.status_code == 400
    assert _error(response)["code"] == "registration_step_missing"
    response = api("/email/verify", {"registration_token": token, "code": right})
    assert response.status_code == 200


def test_an_address_with_an_account_gets_the_same_answer_and_no_code_proves_it(api):
    User.objects.create_user("olga@example.test", "Passw0rd!x")
    fresh = api("/email", {"email": "nina@example.test"})
    taken = api("/email", {"email": "olga@example.test"})

    assert taken.status_code == fresh.status_code == 200
    assert set(taken.json()) == set(fresh.json())
    assert taken.json()["sent_to"] == "olga@example.test"
    assert taken.json()["resend_after"] == fresh.json()["resend_after"]
    notice = mail.outbox[-1]
    assert notice.to == ["olga@example.test"]
    assert "already exists" in notice.body
    assert "/accounts/password/reset/" in notice.body
    assert not re.search(r"\b\d{6}\b", notice.body)

    token = taken.json()["registration_token"]
    for code in ("123456", _code(mail.outbox[0].body)):  # nina's code does not help either
        response = api("/email/verify", {"registration_token": token, "code": code})
        assert response.status_code == 400
        assert _error(response)["code"] == "code_invalid"
    assert _error(response)["message"] == "This code is not valid. 3 attempt(s) left."
    assert User.objects.count() == 1


def test_a_new_email_code_within_the_cooldown_answers_429_with_the_wait(api):
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        first = _sent(api)
    with time_machine.travel("2026-03-02 10:00:20Z", tick=False):
        response = api("/email", {"email": "olga@example.test"})
    assert response.status_code == 429
    assert response["Retry-After"] == "41"
    assert _error(response) == {
        "code": "rate_limited",
        "message": "Please wait 41 seconds before asking for a new code.",
        "details": {"retry_after": 41},
    }
    assert len(mail.outbox) == 1
    with time_machine.travel("2026-03-02 10:01:01Z", tick=False):
        second = _sent(api)
        stale = api(
            "/email/verify", {"registration_token": first, "code": _code(mail.outbox[0].body)}
        )
        assert stale.status_code == 400
        response = api(
            "/email/verify", {"registration_token": second, "code": _code(mail.outbox[1].body)}
        )
    assert response.status_code == 200


# --- tokens -----------------------------------------------------------------------------


def test_an_expired_token_is_refused(api):
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        token = _proved(api)
    with time_machine.travel("2026-03-02 10:29:00Z", tick=False):
        assert api("/details", {"registration_token": token, **DETAILS}).status_code == 200
    with time_machine.travel("2026-03-02 10:30:01Z", tick=False):
        response = api("/details", {"registration_token": token, **DETAILS})
    assert response.status_code == 400
    assert _error(response) == {
        "code": "registration_token_expired",
        "message": "This registration has expired. Start again with your e-mail address.",
        "details": {},
    }


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), id="altered"
        ),
        pytest.param(lambda token: "not-a-token", id="garbage"),
        pytest.param(lambda token: "k" * 32, id="made-up-key"),
    ],
)
def test_an_altered_or_forged_token_is_refused(api, forge):
    token = _sent(api)
    response = api("/details", {"registration_token": forge(token), **DETAILS})
    assert response.status_code == 400
    assert _error(response)["code"] == "registration_token_invalid"
    assert _error(response)["message"] == (
        "This registration token is not valid. Start again with your e-mail address."
    )


# --- steps out of order -----------------------------------------------------------------


def test_the_details_need_a_proved_email(api):
    token = _sent(api)  # sent, not proved
    response = api("/details", {"registration_token": token, **DETAILS})
    assert response.status_code == 400
    assert _error(response) == {
        "code": "registration_step_missing",
        "message": "Verify your e-mail address first.",
        "details": {},
    }


def test_the_phone_steps_need_the_details_and_a_sent_code(api, sms):
    proved = _proved(api)
    response = api("/phone", {"registration_token": proved, "phone": PHONE})
    assert response.status_code == 400
    assert _error(response)["message"] == "Give your password and names first."
    response = api("/phone/verify", {"registration_token": proved, "code": "123456"})
    assert _error(response)["code"] == "registration_step_missing"

    response = api("/details", {"registration_token": proved, **DETAILS})
    detailed = response.json()["registration_token"]
    response = api("/phone/verify", {"registration_token": detailed, "code": "123456"})
    assert response.status_code == 400
    assert _error(response) == {
        "code": "registration_step_missing",
        "message": "Ask for a code first.",
        "details": {},
    }
    response = api("/email/verify", {"registration_token": detailed, "code": "123456"})
    assert _error(response)["message"] == "Ask for a code first."
    assert sms == []
    assert User.objects.count() == 0


def test_giving_the_details_again_forgets_the_number(api, sms):
    token = _phone_sent(api)
    response = api("/details", {"registration_token": token, **DETAILS, "given_name": "Nina"})
    assert response.status_code == 200
    again = response.json()["registration_token"]
    response = api("/phone/verify", {"registration_token": again, "code": _code(sms[0].body)})
    assert _error(response)["code"] == "registration_step_missing"
    assert User.objects.count() == 0


# --- step 2 -----------------------------------------------------------------------------


def test_each_password_and_name_failure_is_explained_per_field(api):
    token = _proved(api)
    response = api(
        "/details",
        DETAILS
        | {
            "registration_token": token,
            "password": "qwertyuiop",
            "password_confirm": "qwertyuiox",
            "given_name": "Ольга",
            "surname": "Sikur2",
        },
    )
    assert response.status_code == 400
    error = _error(response)
    assert (error["code"], error["message"]) == (
        "registration_invalid",
        "Please correct the marked fields.",
    )
    assert error["details"]["fields"] == {
        "password": [
            "Use at least 3 kinds of characters; add an uppercase letter or a digit or a symbol.",
            "This password is too common.",
        ],
        "password_confirm": ["The two passwords do not match."],
        "given_name": ["Use Latin letters only (A–Z), without digits or symbols."],
        "surname": ["Use Latin letters only (A–Z), without digits or symbols."],
    }
    assert "qwertyuiop" not in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "Use between 8 and 64 characters (this one has 4)."),
        ("Password1!", "This password is too common."),
        ("Olga.example.test1", "The password is too similar to the e-mail address."),
    ],
)
def test_the_password_policy_of_the_settings_applies(api, password, message):
    token = _proved(api)
    response = api(
        "/details",
        {
            "registration_token": token,
            **DETAILS,
            "password": password,
            "password_confirm": password,
        },
    )
    assert response.status_code == 400
    assert _error(response)["details"]["fields"] == {"password": [message]}


def test_empty_fields_are_required(api):
    response = api("/details", {"registration_token": _proved(api), **DETAILS, "given_name": " "})
    assert _error(response)["details"]["fields"] == {"given_name": ["This field is required."]}


def test_a_missing_field_is_an_input_error(api):
    token = _proved(api)
    response = api("/details", {"registration_token": token, "password": PASSWORD})
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_input"


# --- step 3 -----------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["050 123 4567", "501234567", "380501234567"])
def test_a_number_without_its_country_code_is_refused(api, sms, phone):
    token = _detailed(api)
    response = api("/phone", {"registration_token": token, "phone": phone})
    assert response.status_code == 400
    assert _error(response) == {
        "code": "phone_invalid",
        "message": "Enter the phone number with its country code, e.g. +380 67 123 4567.",
        "details": {},
    }
    assert sms == []


def test_an_unusable_number_is_refused(api, sms):
    response = api("/phone", {"registration_token": _detailed(api), "phone": "+12"})
    assert response.status_code == 400
    assert _error(response)["code"] == "phone_invalid"
    assert sms == []


def test_a_wrong_phone_code_creates_no_account(api, sms):
    token = _phone_sent(api)
    response = api(
        "/phone/verify", {"registration_token": token, "code": _wrong(_code(sms[0].body))}
    )
    assert response.status_code == 400
    assert _error(response)["message"] == NOT_VALID
    assert User.objects.count() == 0
    response = api("/phone/verify", {"registration_token": token, "code": _code(sms[0].body)})
    assert response.status_code == 201


def test_a_finished_registration_cannot_be_replayed_for_a_second_account(api, sms):
    token = _phone_sent(api)
    code = _code(sms[0].body)
    assert api("/phone/verify", {"registration_token": token, "code": code}).status_code == 201

    replay = api("/phone/verify", {"registration_token": token, "code": code})
    assert replay.status_code == 400
    assert _error(replay)["code"] == "code_invalid"

    # A new phone code with the same token: the service refuses the address it now knows.
    response = api("/phone", {"registration_token": token, "phone": "+380631112233"})
    assert response.status_code == 200
    again = api(
        "/phone/verify",
        {"registration_token": response.json()["registration_token"], "code": _code(sms[-1].body)},
    )
    assert again.status_code == 409
    assert _error(again) == {
        "code": "email_taken",
        "message": (
            "An account with this e-mail address was created in the meantime. Sign in instead."
        ),
        "details": {},
    }
    assert User.objects.count() == 1
    assert [m.subject for m in mail.outbox].count("Welcome to Seatwise") == 1


def test_a_used_email_code_cannot_prove_the_address_again(api):
    token = _sent(api)
    code = _code(mail.outbox[0].body)
    assert api("/email/verify", {"registration_token": token, "code": code}).status_code == 200
    response = api("/email/verify", {"registration_token": token, "code": code})
    assert response.status_code == 400
    assert _error(response)["code"] == "code_invalid"


# --- per-IP limits ----------------------------------------------------------------------


def test_sending_codes_is_limited_per_ip_with_the_wait(api, settings, sms):
    settings.REGISTRATION_RATE_LIMITS = {"send_code": (2, 3600), "check_code": (30, 600)}
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        for n in (1, 2):
            assert api("/email", {"email": f"u{n}@example.test"}).status_code == 200
        response = api("/email", {"email": "u3@example.test"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert _error(response) == {
        "code": "rate_limited",
        "message": "Too many attempts from your network. Try again in 60 minutes.",
        "details": {"retry_after": 3600},
    }
    assert len(mail.outbox) == 2
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        other = api("/email", {"email": "u4@example.test"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_phone_codes_count_against_the_same_limit(api, settings, sms):
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        token = _detailed(api)
        settings.REGISTRATION_RATE_LIMITS = {"send_code": (1, 3600), "check_code": (30, 600)}
        response = api("/phone", {"registration_token": token, "phone": PHONE})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == _error(response)["details"]["retry_after"] > 0
    assert sms == []


def test_checking_codes_is_limited_per_ip_with_the_wait(api, settings):
    settings.REGISTRATION_RATE_LIMITS = {"send_code": (20, 3600), "check_code": (1, 60)}
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        token = _sent(api)
        code = _code(mail.outbox[0].body)
        api("/email/verify", {"registration_token": token, "code": _wrong(code)})
        response = api("/email/verify", {"registration_token": token, "code": code})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert _error(response)["message"] == (
        "Too many attempts from your network. Try again in 60 seconds."
    )
    assert _error(response)["details"] == {"retry_after": 60}


def test_the_wizard_and_the_api_share_the_per_ip_limit(api, client, settings):
    settings.REGISTRATION_RATE_LIMITS = {"send_code": (1, 3600), "check_code": (30, 600)}
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        assert api("/email", {"email": "u1@example.test"}).status_code == 200
        response = client.post("/register/", {"action": "send", "email": "u2@example.test"})
    assert response.status_code == 429


def test_the_endpoints_are_public_and_ignore_a_signed_in_session(api, client):
    member = make_member(make_customer(make_reseller(make_provider())))
    client.force_login(member)
    response = api("/email", {"email": "olga@example.test"})
    assert response.status_code == 200
    assert mail.outbox[-1].to == ["olga@example.test"]
    assert int(client.session["_auth_user_id"]) == member.pk  # untouched
