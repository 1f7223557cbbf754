"""My account → Customer info: names (Latin letters only) and a phone number changed only
with a code sent to the new number."""

import re

import pytest
import time_machine

from seatwise.audit.models import AuditEvent
from seatwise.identity.services import user_phone_change_start
from seatwise.tenancy.enums import Role
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
)
from seatwise.web.customer_info_views import PENDING_PHONE

pytestmark = pytest.mark.django_db

URL = "/account/info/"
OLD = "+380672498010"
NEW = "+380501234567"


@pytest.fixture
def outbox(sms):
    return sms  # the root conftest's in-memory SMS outbox


@pytest.fixture
def organization():
    return make_customer(make_reseller(make_provider()), "Acme")


@pytest.fixture
def user(client, organization):
    user = make_member(organization, Role.TECHNICAL)
    user.given_name, user.display_name, user.surname, user.phone = "Olga", "Olga", "Sikur", OLD
    user.save()
    client.force_login(user)
    return user


def _post(client, capture, data):
    with capture(execute=True):
        return client.post(URL, data)


def _code(message) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _names(user):
    user.refresh_from_db()
    return (user.given_name, user.display_name, user.surname)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post(URL, {"action": "profile", "given_name": "X"})
    assert response.status_code == 302


def test_the_page_shows_the_names_the_phone_and_the_menu_link(client, user):
    html = client.get(URL).content.decode()
    assert 'value="Sikur"' in html
    assert "+380 67 249 8010" in html
    assert "Latin characters only. Symbols are not allowed." in html
    assert 'href="/account/info/">Customer info</a>' in html


def test_names_are_saved(client, user):
    response = client.post(
        URL,
        {
            "action": "profile",
            "given_name": " Mary-Jane ",
            "display_name": "MJ",
            "surname": "O'Neil",
        },
    )
    assert response.status_code == 302
    assert _names(user) == ("Mary-Jane", "MJ", "O'Neil")
    assert "Your details were saved." in client.get(URL).content.decode()


def test_a_non_latin_name_is_refused_and_nothing_is_saved(client, user):
    response = client.post(
        URL, {"action": "profile", "given_name": "Ольга", "display_name": "Olya", "surname": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'data-error="given_name">Use Latin letters only (A–Z), without digits or symbols.' in html
    )
    assert 'data-error="surname">This field is required.' in html
    assert 'data-error="display_name"' not in html
    assert _names(user) == ("Olga", "Olga", "Sikur")


def test_the_phone_changes_with_the_code_sent_by_sms(
    client, user, organization, outbox, django_capture_on_commit_callbacks
):
    response = _post(
        client, django_capture_on_commit_callbacks, {"action": "send", "phone": "+380 50 123 4567"}
    )
    assert response.status_code == 302
    ((message),) = outbox
    assert (message.to, message.kind) == (NEW, "text")
    assert client.session[PENDING_PHONE] == NEW
    assert "Enter the code" in client.get(URL).content.decode()

    response = _post(
        client, django_capture_on_commit_callbacks, {"action": "verify", "code": _code(message)}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == NEW
    assert PENDING_PHONE not in client.session
    (entry,) = AuditEvent.objects.filter(organization=organization, event="phone_changed")
    assert (entry.actor, entry.details) == (user, {"phone": NEW})
    assert "Your phone number was changed." in client.get(URL).content.decode()


def test_a_wrong_code_is_refused_with_the_attempts_left(
    client, user, outbox, django_capture_on_commit_callbacks
):
    _post(client, django_capture_on_commit_callbacks, {"action": "send", "phone": NEW})
    wrong = "000000" if _code(outbox[0]) != "000000" else "111111"
    response = _post(
        client, django_capture_on_commit_callbacks, {"action": "verify", "code": wrong}
    )
    assert response.status_code == 400
    assert "This code is not valid. 4 attempt(s) left." in response.content.decode()
    user.refresh_from_db()
    assert user.phone == OLD
    assert AuditEvent.objects.filter(event="phone_changed").count() == 0


def test_a_code_sent_to_another_number_does_not_confirm_this_one(
    client, user, outbox, django_capture_on_commit_callbacks
):
    _post(client, django_capture_on_commit_callbacks, {"action": "send", "phone": "+380631112233"})
    other_code = _code(outbox[0])
    session = client.session
    session[PENDING_PHONE] = NEW  # as if the form had been tampered with
    session.save()
    response = _post(
        client,
        django_capture_on_commit_callbacks,
        {"action": "verify", "code": other_code, "phone": "+380631112233"},
    )
    assert response.status_code == 400
    assert "This code is not valid. Ask for a new code." in response.content.decode()
    user.refresh_from_db()
    assert user.phone == OLD


def test_a_code_issued_to_another_user_does_not_confirm(
    client, user, organization, django_capture_on_commit_callbacks
):
    other = make_member(organization)
    _number, issued = user_phone_change_start(user=other, phone=NEW)
    session = client.session
    session[PENDING_PHONE] = NEW
    session.save()
    response = _post(
        client, django_capture_on_commit_callbacks, {"action": "verify", "code": issued.code}
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.phone == OLD


def test_a_new_code_within_a_minute_tells_the_wait(
    client, user, outbox, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        _post(client, django_capture_on_commit_callbacks, {"action": "send", "phone": NEW})
    with time_machine.travel("2026-03-02 10:00:20Z", tick=False):
        response = _post(client, django_capture_on_commit_callbacks, {"action": "resend"})
        assert response.status_code == 302
        html = client.get(URL).content.decode()
    assert "Please wait 41 seconds before asking for a new code." in html
    assert len(outbox) == 1


def test_call_me_instead_places_a_voice_call(
    client, user, outbox, django_capture_on_commit_callbacks
):
    _post(client, django_capture_on_commit_callbacks, {"action": "call", "phone": NEW})
    ((message),) = outbox
    assert (message.to, message.kind) == (NEW, "voice")


def test_a_number_without_the_country_code_is_refused(
    client, user, outbox, django_capture_on_commit_callbacks
):
    response = _post(
        client, django_capture_on_commit_callbacks, {"action": "send", "phone": "0501234567"}
    )
    assert response.status_code == 400
    assert (
        "Enter the phone number with its country code, e.g. +380 67 123 4567."
        in response.content.decode()
    )
    assert outbox == []
    assert PENDING_PHONE not in client.session


def test_the_current_number_is_refused(client, user, outbox, django_capture_on_commit_callbacks):
    response = _post(client, django_capture_on_commit_callbacks, {"action": "send", "phone": OLD})
    assert response.status_code == 400
    assert "This is already your phone number." in response.content.decode()
    assert outbox == []


def test_verify_without_a_pending_number_changes_nothing(client, user):
    response = client.post(URL, {"action": "verify", "code": "123456", "phone": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == OLD
