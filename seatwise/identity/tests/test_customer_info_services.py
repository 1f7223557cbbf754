from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatwise.core import events
from seatwise.identity.exceptions import CodeInvalid, PhoneInvalid, ProfileInvalid
from seatwise.identity.models import User
from seatwise.identity.services import (
    user_phone_change_confirm,
    user_phone_change_start,
    user_profile_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user(
        "olga@example.test", "Passw0rd!x", given_name="Olga", display_name="Olga", surname="Sikur"
    )


def test_only_changed_names_are_written(user):
    with CaptureQueriesContext(connection) as queries:
        user_profile_update(user=user, given_name="Olga", display_name="Olya", surname="Sikur")
    (update,) = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert '"display_name"' in update and '"given_name"' not in update
    user.refresh_from_db()
    assert (user.given_name, user.display_name, user.surname) == ("Olga", "Olya", "Sikur")


def test_every_bad_name_is_reported_and_nothing_is_written(user):
    with pytest.raises(ProfileInvalid) as caught:
        user_profile_update(user=user, given_name="Olga1", display_name="Ok", surname="Сікур")
    assert sorted(caught.value.details["fields"]) == ["given_name", "surname"]
    user.refresh_from_db()
    assert (user.given_name, user.display_name) == ("Olga", "Olga")


def test_a_number_without_a_country_code_is_refused(user):
    with pytest.raises(PhoneInvalid):
        user_phone_change_start(user=user, phone="067 249 8010")


def test_the_confirmed_number_is_saved_and_published_without_the_code(
    user, django_capture_on_commit_callbacks
):
    seen = []
    events.subscribe("identity.phone_changed", seen.append)
    try:
        phone, issued = user_phone_change_start(user=user, phone="+380 67 249 8010")
        with django_capture_on_commit_callbacks(execute=True):
            user_phone_change_confirm(user=user, phone=phone, code=issued.code)
    finally:
        events.unsubscribe("identity.phone_changed", seen.append)
    user.refresh_from_db()
    assert user.phone == "+380672498010"
    (event,) = seen
    assert event.payload == {
        "user_id": user.pk,
        "phone": "+380672498010",
        "ip": None,
        "user_agent": "",
    }
    with pytest.raises(CodeInvalid):  # used once
        user_phone_change_confirm(user=user, phone="+380501234567", code=issued.code)
