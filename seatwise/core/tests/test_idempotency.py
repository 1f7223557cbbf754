"""``Idempotency-Key`` on a mutating endpoint: the same key and request replay the first
answer without running the endpoint again; another request under the key is refused; a bad
key is a 400; server errors are not kept; stale claims are taken over; old records go.

The endpoint under test lives in this module (it is also the URLconf of these tests): each
run writes one ``CacheGeneration`` row before it answers, so counting rows counts runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from seatwise.core.errors import ApplicationError, ConflictError
from seatwise.core.idempotency import (
    RETENTION,
    STALE_AFTER,
    IdempotencyKeyHeader,
    idempotency_prune,
    idempotent,
    request_fingerprint,
)
from seatwise.core.models import CacheGeneration, IdempotencyRecord

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
THINGS = "/things/"


class ThingIn(Schema):
    name: str
    outcome: str = "created"


class ServiceUnavailable(ApplicationError):
    code = "service_unavailable"
    status = 503


api = NinjaAPI(urls_namespace="idempotency-tests", auth=django_auth, docs_url=None)


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _run(payload: ThingIn, key: str | None):
    """One run of the endpoint: a row first, then the answer ``payload.outcome`` asks for
    (``*_first``: only on the first run)."""
    runs = CacheGeneration.objects.count() + 1
    CacheGeneration.objects.create(name=f"{payload.name}-{runs}")
    outcome = payload.outcome
    if outcome.endswith("_first"):
        outcome = outcome.removesuffix("_first") if runs == 1 else "created"
    if outcome == "conflict":
        raise ConflictError("Already taken.", details={"runs": runs})
    if outcome == "crash":
        raise RuntimeError("the endpoint failed")
    if outcome == "unavailable":
        return HttpResponse("Try later.", status=503)
    if outcome == "down":
        raise ServiceUnavailable("The vendor is down.")
    return 201, {"name": payload.name, "runs": runs, "key": key}


@api.post(THINGS)
@idempotent
def thing_create(request, payload: ThingIn, idempotency_key: IdempotencyKeyHeader = None):
    return _run(payload, request.idempotency_key)


@api.post("/required/")
@idempotent(required=True)
def thing_create_required(request, payload: ThingIn, idempotency_key: IdempotencyKeyHeader = None):
    return _run(payload, request.idempotency_key)


urlpatterns = [path("", api.urls)]


def handler500(request):
    return HttpResponse("Server error.", status=500)


# --- helpers --------------------------------------------------------------------------------


def _user(email: str = "buyer@example.test"):
    return get_user_model().objects.create_user(email, "Passw0rd!x")


@pytest.fixture
def user():
    return _user()


@pytest.fixture
def client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, body, key: str | None = "order-1", url: str = THINGS):
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(url, raw, content_type="application/json", headers=headers)


def _claim(user, body: dict, *, locked_at: dt.datetime, key: str = "order-1"):
    """A claim left by a first request that has not answered (yet)."""
    return IdempotencyRecord.objects.create(
        user=user,
        key=key,
        method="POST",
        path=THINGS,
        fingerprint=request_fingerprint(body=json.dumps(body).encode()),
        locked_at=locked_at,
        created_at=locked_at,
    )


# --- replay ---------------------------------------------------------------------------------


def test_the_same_key_and_request_replay_the_first_answer_without_running_again(client, user):
    first = _post(client, {"name": "alpha"})
    again = _post(client, {"name": "alpha"})

    assert first.status_code == 201
    assert first.json() == {"name": "alpha", "runs": 1, "key": "order-1"}
    assert "Idempotent-Replayed" not in first
    assert again.status_code == 200  # nothing was created this time
    assert again.json() == {"name": "alpha", "runs": 1, "key": "order-1"}
    assert again["Idempotent-Replayed"] == "true"
    assert CacheGeneration.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.key, record.method, record.path, record.organization) == (
        user,
        "order-1",
        "POST",
        THINGS,
        None,
    )
    assert (record.response_status, record.response_body) == (
        201,
        {"name": "alpha", "runs": 1, "key": "order-1"},
    )


def test_a_json_body_is_compared_by_content_not_by_key_order_or_spacing(client):
    _post(client, '{"name": "alpha", "outcome": "created"}')
    again = _post(client, '{"outcome":"created","name":"alpha"}')

    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert CacheGeneration.objects.count() == 1


def test_surrounding_spaces_are_not_part_of_the_key(client):
    _post(client, {"name": "alpha"}, key="order-1")
    again = _post(client, {"name": "alpha"}, key="  order-1 ")

    assert again.status_code == 200
    assert again.json()["key"] == "order-1"
    assert CacheGeneration.objects.count() == 1
    assert IdempotencyRecord.objects.get().key == "order-1"


def test_without_a_key_the_endpoint_runs_every_time_and_nothing_is_kept(client):
    first = _post(client, {"name": "alpha"}, key=None)
    second = _post(client, {"name": "alpha"}, key=None)

    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["runs"], second.json()["runs"]) == (1, 2)
    assert first.json()["key"] is None
    assert not IdempotencyRecord.objects.exists()


# --- refusals -------------------------------------------------------------------------------


def test_the_same_key_with_another_body_is_refused_and_nothing_is_written(client):
    _post(client, {"name": "alpha"})
    record_before = IdempotencyRecord.objects.values().get()

    response = _post(client, {"name": "beta"})

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "idempotency_key_reused",
            "message": "This Idempotency-Key was used for another request; use a new key.",
            "details": {"header": "Idempotency-Key", "method": "POST", "path": THINGS},
        }
    }
    assert list(CacheGeneration.objects.values_list("name", flat=True)) == ["alpha-1"]
    assert IdempotencyRecord.objects.values().get() == record_before


def test_the_same_key_on_another_path_is_refused(client):
    _post(client, {"name": "alpha"})

    response = _post(client, {"name": "alpha"}, url=f"{THINGS}?colour=red")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert CacheGeneration.objects.count() == 1


@pytest.mark.parametrize(
    "key",
    ["", "   ", "k" * 256, "tab\tinside", "bell\x07", "del\x7f", "caf\u00e9"],
    ids=["empty", "blank", "too-long", "tab", "control", "delete", "non-ascii"],
)
def test_an_invalid_key_is_a_400_and_the_endpoint_does_not_run(client, key):
    response = _post(client, {"name": "alpha"}, key=key)

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "idempotency_key_invalid",
            "message": "Idempotency-Key must be 1 to 255 printable ASCII characters.",
            "details": {"header": "Idempotency-Key", "max_length": 255},
        }
    }
    assert not CacheGeneration.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_a_key_of_255_printable_characters_is_accepted(client):
    key = "~ !" + "k" * 252

    response = _post(client, {"name": "alpha"}, key=key)

    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().key == key


def test_a_required_key_that_is_missing_is_a_400_and_the_endpoint_does_not_run(client):
    missing = _post(client, {"name": "alpha"}, key=None, url="/required/")

    assert missing.status_code == 400
    assert missing.json() == {
        "error": {
            "code": "idempotency_key_required",
            "message": "Send an Idempotency-Key header with this request.",
            "details": {"header": "Idempotency-Key"},
        }
    }
    assert not CacheGeneration.objects.exists()

    sent = _post(client, {"name": "alpha"}, url="/required/")
    assert sent.status_code == 201
    assert CacheGeneration.objects.count() == 1


def test_an_anonymous_caller_is_refused_before_any_claim():
    response = _post(Client(), {"name": "alpha"})

    assert response.status_code == 401
    assert not CacheGeneration.objects.exists()
    assert not IdempotencyRecord.objects.exists()


# --- what is kept ---------------------------------------------------------------------------


def test_a_client_error_is_kept_and_replayed(client):
    first = _post(client, {"name": "alpha", "outcome": "conflict"})
    again = _post(client, {"name": "alpha", "outcome": "conflict"})

    expected = {"error": {"code": "conflict", "message": "Already taken.", "details": {"runs": 1}}}
    assert (first.status_code, first.json()) == (409, expected)
    assert (again.status_code, again.json()) == (409, expected)
    assert again["Idempotent-Replayed"] == "true"
    assert CacheGeneration.objects.count() == 1
    assert IdempotencyRecord.objects.get().response_status == 409


def test_an_unexpected_exception_is_not_kept_so_a_retry_runs_again(client):
    with pytest.raises(RuntimeError):
        _post(client, {"name": "alpha", "outcome": "crash_first"})
    assert not IdempotencyRecord.objects.exists()

    retry = _post(client, {"name": "alpha", "outcome": "crash_first"})

    assert retry.status_code == 201
    assert retry.json() == {"name": "alpha", "runs": 2, "key": "order-1"}
    assert "Idempotent-Replayed" not in retry
    assert CacheGeneration.objects.count() == 2
    assert IdempotencyRecord.objects.get().response_status == 201


@pytest.mark.parametrize("outcome", ["unavailable_first", "down_first"])
def test_a_5xx_answer_is_not_kept_so_a_retry_runs_again(client, outcome):
    first = _post(client, {"name": "alpha", "outcome": outcome})
    assert first.status_code == 503
    assert not IdempotencyRecord.objects.exists()

    retry = _post(client, {"name": "alpha", "outcome": outcome})

    assert retry.status_code == 201
    assert retry.json()["runs"] == 2
    assert CacheGeneration.objects.count() == 2


# --- claims, retention, users ---------------------------------------------------------------


def test_a_request_still_running_under_the_key_is_a_409_with_retry_after(client, user):
    with time_machine.travel(NOW, tick=False):
        _claim(user, {"name": "alpha"}, locked_at=NOW - STALE_AFTER + dt.timedelta(seconds=1))

        response = _post(client, {"name": "alpha"})

    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.json() == {
        "error": {
            "code": "idempotency_in_progress",
            "message": (
                "A request with this Idempotency-Key is still being processed; retry shortly."
            ),
            "details": {"header": "Idempotency-Key", "retry_after": 1},
        }
    }
    assert not CacheGeneration.objects.exists()
    assert IdempotencyRecord.objects.get().response_status is None


def test_a_stale_claim_is_taken_over_and_the_endpoint_runs(client, user):
    with time_machine.travel(NOW, tick=False):
        claim = _claim(
            user, {"name": "alpha"}, locked_at=NOW - STALE_AFTER - dt.timedelta(seconds=1)
        )

        response = _post(client, {"name": "alpha"})

    assert response.status_code == 201
    assert response.json()["runs"] == 1
    record = IdempotencyRecord.objects.get()
    assert (record.pk, record.locked_at, record.response_status) == (claim.pk, NOW, 201)


def test_a_record_older_than_the_retention_is_ignored(client, user):
    with time_machine.travel(NOW, tick=False):
        _post(client, {"name": "alpha"})
    with time_machine.travel(NOW + RETENTION + dt.timedelta(minutes=1), tick=False):
        client.force_login(user)  # the session of a day ago has expired
        again = _post(client, {"name": "alpha"})

    assert again.status_code == 201
    assert again.json()["runs"] == 2
    assert "Idempotent-Replayed" not in again
    record = IdempotencyRecord.objects.get()
    assert record.created_at == NOW + RETENTION + dt.timedelta(minutes=1)


def test_idempotency_prune_deletes_the_records_older_than_a_day(user):
    minute = dt.timedelta(minutes=1)
    old = _claim(user, {"name": "a"}, locked_at=NOW - RETENTION - minute, key="old")
    young = _claim(user, {"name": "b"}, locked_at=NOW - RETENTION + minute, key="young")

    with time_machine.travel(NOW, tick=False):
        deleted = idempotency_prune()

    assert deleted == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [young.pk]
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()


def test_keys_are_per_user(client, user):
    colleague = _user("colleague@example.test")
    other = Client()
    other.force_login(colleague)

    mine = _post(client, {"name": "alpha"})
    theirs = _post(other, {"name": "alpha"})
    theirs_again = _post(other, {"name": "alpha"})
    # Another body under the same key is only refused for the user who used it.
    refused = _post(client, {"name": "beta"})

    assert (mine.status_code, mine.json()["runs"]) == (201, 1)
    assert (theirs.status_code, theirs.json()["runs"]) == (201, 2)
    assert (theirs_again.status_code, theirs_again.json()["runs"]) == (200, 2)
    assert refused.status_code == 422
    assert CacheGeneration.objects.count() == 2
    assert set(IdempotencyRecord.objects.values_list("user", "key")) == {
        (user.pk, "order-1"),
        (colleague.pk, "order-1"),
    }
