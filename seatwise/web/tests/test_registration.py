"""Register (guide 2.1–2.2): the e-mail code, the password and names, the phone code, and
the account created, signed in and sent on to the company registration."""

from __future__ import annotations

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail

from seatwise.core import events
from seatwise.identity.models import User
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)
from seatwise.web.registration_views import STATE
from seatwise.web.tests.helpers import text

pytestmark = pytest.mark.django_db

EMAIL_URL = "/register/"
DETAILS_URL = "/register/details/"
PHONE_URL = "/register/phone/"
PASSWORD = "Blue-Sky-2026"
DETAILS = {
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "given_name": "Olga",
    "display_name": "Olga S",
    "surname": "Sikur",
}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return send


@pytest.fixture
def published():
    seen: list[events.Event] = []
    events.subscribe("identity.registered", seen.append)
    yield seen
    events.unsubscribe("identity.registered", seen.append)


def _code(body: str) -> str:
    return re.search(r"\b(\d{6})\b", body).group(1)


def _email_proved(post, email="olga@example.test"):
    post(EMAIL_URL, {"action": "send", "email": email})
    return post(EMAIL_URL, {"action": "verify", "code": _code(mail.outbox[-1].body)})


def _details_given(post, email="olga@example.test"):
    _email_proved(post, email)
    return post(DETAILS_URL, DETAILS)


def _without_tokens(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# --- links and access --------------------------------------------------------------------


def test_anonymous_visitors_find_register_in_the_header_and_on_the_login_page(client):
    home = client.get("/").content.decode()
    assert 'href="/register/" data-register-link>Register</a>' in home
    login = client.get("/accounts/login/").content.decode()
    assert '<a href="/register/">Register</a>' in login


def test_signed_in_users_see_no_register_link_and_are_sent_home(client):
    user = make_member(make_customer(make_reseller(make_provider())))
    client.force_login(user)
    assert "data-register-link" not in client.get("/").content.decode()
    for url in (EMAIL_URL, DETAILS_URL, PHONE_URL):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/")
        response = client.post(url, {"action": "send", "email": "x@example.test"})
        assert (response.status_code, response["Location"]) == (302, "/")
    assert mail.outbox == []


def test_the_first_step_shows_the_guide_labels(client):
    response = client.get(EMAIL_URL)
    assert response.status_code == 200
    page = text(response)
    for label in ("Please provide the following details.", "Email Address"):
        assert label in page
    assert 'value="send">Send verification code</button>' in page
    assert ">Cancel</button>" in page


# --- the whole journey -------------------------------------------------------------------


def test_a_visitor_registers_and_is_signed_in(client, post, sms, published):
    response = post(EMAIL_URL, {"action": "send", "email": " Olga@Example.test "})
    assert (response.status_code, response["Location"]) == (302, EMAIL_URL)
    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        ["olga@example.test"],
        "Your Seatwise e-mail verification code",
    )
    page = text(client.get(EMAIL_URL))
    assert "We sent a verification code to olga@example.test. Enter it below." in page
    assert 'value="verify">Verify code</button>' in page
    assert 'value="resend">Send new code</button>' in page
    assert 'value="change">Change e-mail</button>' in page
    assert "You can ask for a new code in 60 seconds." in page

    response = post(EMAIL_URL, {"action": "verify", "code": _code(message.body)})
    assert (response.status_code, response["Location"]) == (302, DETAILS_URL)
    page = text(client.get(DETAILS_URL))
    for label in ("New Password", "Confirm New Password", "Given Name", "Display Name", "Surname"):
        assert f">{label}</label>" in page
    assert "The password must be between 8 and 64 characters." in page
    assert "The password must have at least 3 of the following:" in page
    assert "<li>an uppercase letter</li>" in page
    assert "Latin characters only. Symbols are not allowed." in page
    assert '<button class="btn btn-primary" type="submit">Create</button>' in page

    response = post(DETAILS_URL, DETAILS)
    assert (response.status_code, response["Location"]) == (302, PHONE_URL)
    assert PASSWORD not in str(dict(client.session))
    page = text(client.get(PHONE_URL))
    assert "Enter a number below that we can send a code via SMS or phone" in page
    assert '<option value="UA" selected>Ukraine (+380)</option>' in page
    assert User.objects.count() == 0

    response = post(PHONE_URL, {"action": "send", "region": "UA", "number": "050 123 4567"})
    assert (response.status_code, response["Location"]) == (302, PHONE_URL)
    (sms_message,) = sms
    assert (sms_message.to, sms_message.kind) == ("+380501234567", "text")
    page = text(client.get(PHONE_URL))
    assert "Enter your verification code below, or send a new code" in page
    assert 'value="verify">Verify Code</button>' in page
    assert User.objects.count() == 0

    response = post(PHONE_URL, {"action": "verify", "code": _code(sms_message.body)})
    assert (response.status_code, response["Location"]) == (302, "/register/company/")
    user = User.objects.get()
    assert (user.email, user.given_name, user.display_name, user.surname, user.phone) == (
        "olga@example.test",
        "Olga",
        "Olga S",
        "Sikur",
        "+380501234567",
    )
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).count() == 1
    assert int(client.session["_auth_user_id"]) == user.pk
    assert STATE not in client.session
    assert [event.payload["user_id"] for event in published] == [user.pk]
    assert mail.outbox[-1].subject == "Welcome to Seatwise"


# --- step 1 -----------------------------------------------------------------------------


def test_an_invalid_address_is_refused(client, post):
    response = post(EMAIL_URL, {"action": "send", "email": "olga@"})
    assert response.status_code == 400
    assert "Enter a valid e-mail address." in text(response)
    assert mail.outbox == []
    assert STATE not in client.session


def test_a_wrong_email_code_is_refused_with_the_attempts_left(client, post):
    post(EMAIL_URL, {"action": "send", "email": "olga@example.test"})
    response = post(EMAIL_URL, {"action": "verify", "code": _wrong(_code(mail.outbox[0].body))})
    assert response.status_code == 400
    assert "This code is not valid. 4 attempt(s) left." in text(response)
    response = client.get(DETAILS_URL)
    assert (response.status_code, response["Location"]) == (302, EMAIL_URL)


def test_an_address_with_an_account_gets_the_same_answer_and_no_code(client, post):
    User.objects.create_user("olga@example.test", "Passw0rd!x")
    fresh = post(EMAIL_URL, {"action": "send", "email": "nina@example.test"})
    fresh_page = text(client.get(EMAIL_URL))
    client.post(EMAIL_URL, {"action": "change"})

    taken = post(EMAIL_URL, {"action": "send", "email": "olga@example.test"})
    taken_page = text(client.get(EMAIL_URL))

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert _without_tokens(taken_page).replace("olga@", "nina@") == _without_tokens(fresh_page)
    notice = mail.outbox[-1]
    assert notice.to == ["olga@example.test"]
    assert "already exists" in notice.body
    assert "/accounts/password/reset/" in notice.body
    assert not re.search(r"\b\d{6}\b", notice.body)

    response = post(EMAIL_URL, {"action": "verify", "code": "123456"})
    assert response.status_code == 400
    assert "This code is not valid. 4 attempt(s) left." in text(response)
    assert client.get(DETAILS_URL)["Location"] == EMAIL_URL


def test_a_new_code_within_the_cooldown_tells_the_wait(client, post):
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        post(EMAIL_URL, {"action": "send", "email": "olga@example.test"})
    with time_machine.travel("2026-03-02 10:00:20Z", tick=False):
        assert "You can ask for a new code in 40 seconds." in text(client.get(EMAIL_URL))
        response = post(EMAIL_URL, {"action": "resend"})
    assert response.status_code == 429
    assert "Please wait 41 seconds before asking for a new code." in text(response)
    assert len(mail.outbox) == 1
    with time_machine.travel("2026-03-02 10:01:01Z", tick=False):
        response = post(EMAIL_URL, {"action": "resend"})
        assert response.status_code == 302
        assert len(mail.outbox) == 2
        stale = post(EMAIL_URL, {"action": "verify", "code": _code(mail.outbox[0].body)})
        assert stale.status_code == 400
        response = post(EMAIL_URL, {"action": "verify", "code": _code(mail.outbox[1].body)})
    assert response["Location"] == DETAILS_URL


def test_change_email_goes_back_to_the_address(client, post):
    post(EMAIL_URL, {"action": "send", "email": "olga@example.test"})
    response = client.post(EMAIL_URL, {"action": "change"})
    assert (response.status_code, response["Location"]) == (302, EMAIL_URL)
    page = text(client.get(EMAIL_URL))
    assert "data-email-form" in page and "data-pending-email" not in page


# --- step 2 -----------------------------------------------------------------------------


def test_the_details_step_needs_a_proved_email(client, post):
    post(EMAIL_URL, {"action": "send", "email": "olga@example.test"})  # sent, not verified
    for method in (client.get, client.post):
        response = method(DETAILS_URL, DETAILS) if method == client.post else method(DETAILS_URL)
        assert (response.status_code, response["Location"]) == (302, EMAIL_URL)
    assert "details" not in client.session.get(STATE, {})


def test_each_password_and_name_failure_is_explained_and_nothing_is_kept(client, post):
    _email_proved(post)
    response = post(
        DETAILS_URL,
        {
            "password": "abcdefgh",
            "password_confirm": "abcdefgx",
            "given_name": "Ольга",
            "display_name": "Olga",
            "surname": "Sikur!",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert (
        'data-error="password">Use at least 3 kinds of characters; add an uppercase letter or '
        "a digit or a symbol.<"
    ) in page
    assert 'data-error="password_confirm">The two passwords do not match.<' in page
    assert (
        'data-error="given_name">Use Latin letters only (A–Z), without digits or symbols.' in page
    )
    assert 'data-error="surname">Use Latin letters only' in page
    assert 'data-error="display_name"' not in page
    assert 'value="Olga"' in page  # kept for correction; passwords are not echoed
    assert "abcdefgh" not in page
    assert "details" not in client.session[STATE]
    assert client.get(PHONE_URL)["Location"] == DETAILS_URL


def test_the_details_page_offers_change_email(client, post):
    _email_proved(post)
    response = client.post(EMAIL_URL, {"action": "change"})
    assert response["Location"] == EMAIL_URL
    assert client.get(DETAILS_URL)["Location"] == EMAIL_URL


# --- step 3 -----------------------------------------------------------------------------


def test_the_phone_step_needs_the_details(client, post):
    response = client.get(PHONE_URL)
    assert (response.status_code, response["Location"]) == (302, EMAIL_URL)
    _email_proved(post)
    response = client.post(PHONE_URL, {"action": "send", "region": "UA", "number": "501234567"})
    assert (response.status_code, response["Location"]) == (302, DETAILS_URL)


def test_call_me_instead_places_a_voice_call(client, post, sms):
    _details_given(post)
    post(PHONE_URL, {"action": "call", "region": "UA", "number": "501234567"})
    ((message),) = sms
    assert (message.to, message.kind) == ("+380501234567", "voice")
    assert "We are calling +380501234567 with a code." in text(client.get(PHONE_URL))


def test_a_new_code_by_call_and_change_number_on_the_code_screen(client, post, sms):
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        _details_given(post)
        post(PHONE_URL, {"action": "send", "region": "UA", "number": "501234567"})
        page = text(client.get(PHONE_URL))
        assert "You can ask for a new code in 60 seconds." in page
        early = post(PHONE_URL, {"action": "resend_call"})
    assert early.status_code == 429
    assert "Please wait 61 seconds before asking for a new code." in text(early)
    with time_machine.travel("2026-03-02 10:01:00Z", tick=False):
        response = post(PHONE_URL, {"action": "resend_call"})
        assert response["Location"] == PHONE_URL
        assert [(m.to, m.kind) for m in sms] == [
            ("+380501234567", "text"),
            ("+380501234567", "voice"),
        ]
        response = client.post(PHONE_URL, {"action": "change"})
        assert response["Location"] == PHONE_URL
        page = text(client.get(PHONE_URL))
    assert "data-phone-form" in page and "data-pending-phone" not in page
    assert User.objects.count() == 0


def test_a_number_typed_with_its_country_code_ignores_the_list(client, post, sms):
    _details_given(post)
    post(PHONE_URL, {"action": "send", "region": "DE", "number": "+44 7700 900123"})
    assert [m.to for m in sms] == ["+447700900123"]


def test_an_unusable_number_is_refused(client, post, sms):
    _details_given(post)
    response = post(PHONE_URL, {"action": "send", "region": "UA", "number": "12"})
    assert response.status_code == 400
    assert "Choose the country code and enter the phone number, e.g. 67 123 4567." in text(response)
    assert sms == []


def test_a_wrong_phone_code_creates_no_account(client, post, sms):
    _details_given(post)
    post(PHONE_URL, {"action": "send", "region": "UA", "number": "501234567"})
    response = post(PHONE_URL, {"action": "verify", "code": _wrong(_code(sms[0].body))})
    assert response.status_code == 400
    assert "This code is not valid. 4 attempt(s) left." in text(response)
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_a_code_sent_to_another_number_does_not_create_the_account(client, post, sms):
    _details_given(post)
    post(PHONE_URL, {"action": "send", "region": "UA", "number": "631112233"})
    other_code = _code(sms[0].body)
    session = client.session
    session[STATE]["phone"]["number"] = "+380501234567"  # as if tampered with
    session.save()
    response = post(PHONE_URL, {"action": "verify", "code": other_code, "number": "631112233"})
    assert response.status_code == 400
    assert User.objects.count() == 0


def test_an_address_registered_meanwhile_sends_the_visitor_to_sign_in(client, post, sms):
    _details_given(post)
    post(PHONE_URL, {"action": "send", "region": "UA", "number": "501234567"})
    User.objects.create_user("olga@example.test", "Passw0rd!x")
    response = post(PHONE_URL, {"action": "verify", "code": _code(sms[0].body)})
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert User.objects.count() == 1
    assert STATE not in client.session


def test_cancel_forgets_everything(client, post):
    _details_given(post)
    response = client.post("/register/cancel/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert STATE not in client.session
    assert client.get(PHONE_URL)["Location"] == EMAIL_URL


# --- per-IP limits ----------------------------------------------------------------------


def test_sending_codes_is_limited_per_ip_with_the_wait(client, post, settings):
    settings.REGISTRATION_RATE_LIMITS = {"send_code": (2, 3600), "check_code": (30, 600)}
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        for n in (1, 2):
            assert post(EMAIL_URL, {"action": "send", "email": f"u{n}@example.test"})[
                "Location"
            ] == (EMAIL_URL)
        response = post(EMAIL_URL, {"action": "send", "email": "u3@example.test"})
    assert response.status_code == 429
    assert "Too many attempts from your network. Try again in 60 minutes." in text(response)
    assert len(mail.outbox) == 2


def test_checking_codes_is_limited_per_ip_with_the_wait(client, post, settings):
    settings.REGISTRATION_RATE_LIMITS = {"send_code": (20, 3600), "check_code": (1, 60)}
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        post(EMAIL_URL, {"action": "send", "email": "olga@example.test"})
        code = _code(mail.outbox[0].body)
        post(EMAIL_URL, {"action": "verify", "code": _wrong(code)})
        response = post(EMAIL_URL, {"action": "verify", "code": code})
    assert response.status_code == 429
    assert "Too many attempts from your network. Try again in 60 seconds." in text(response)
    assert client.get(DETAILS_URL)["Location"] == EMAIL_URL


def test_ipv6_clients_are_limited_per_64_network(
    client, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_RATE_LIMITS = {"send_code": (1, 3600), "check_code": (30, 600)}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            EMAIL_URL,
            {"action": "send", "email": "u1@example.test"},
            REMOTE_ADDR="2001:db8:1:2::10",
        )
        neighbour = client.post(
            EMAIL_URL,
            {"action": "send", "email": "u2@example.test"},
            REMOTE_ADDR="2001:db8:1:2::99",
        )
        elsewhere = client.post(
            EMAIL_URL,
            {"action": "send", "email": "u3@example.test"},
            REMOTE_ADDR="2001:db8:1:3::10",
        )
    assert (first.status_code, neighbour.status_code, elsewhere.status_code) == (302, 429, 302)
    assert sorted(m.to[0] for m in mail.outbox) == ["u1@example.test", "u3@example.test"]
