"""API keys: created shown once and stored hashed, authenticated, throttled, revoked; the
ninja auth class; the access matrix of every service."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import path
from ninja import NinjaAPI

from seatwise.core import events
from seatwise.core.errors import ApplicationError, ConflictError, ValidationError
from seatwise.tenancy import apikeys
from seatwise.tenancy.api_auth import (
    ApiKeyAuth,
    api_key_optional,
    api_organization,
    session_or_api_key,
)
from seatwise.tenancy.apikeys import ApiCaller, ApiKeyNotFound, InvalidApiKey
from seatwise.tenancy.enums import Role
from seatwise.tenancy.exceptions import OrganizationNotFound, RoleRequired
from seatwise.tenancy.models import ApiKey, Membership
from seatwise.tenancy.selectors import access_api_key, api_key_list
from seatwise.tenancy.services import (
    MAX_ACTIVE_API_KEYS,
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    api_key_revoke_by_staff,
    membership_set,
)
from seatwise.tenancy.tests.factories import (
    make_customer,
    make_member,
    make_provider,
    make_reseller,
    make_user,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def tree():
    provider = make_provider("Seatwise Distribution")
    reseller = make_reseller(provider, "Northwind")
    customer = make_customer(reseller, "Acme")
    other = make_customer(reseller, "Globex")
    return {"provider": provider, "reseller": reseller, "customer": customer, "other": other}


@pytest.fixture
def captured():
    """Events published by the services, by name."""
    seen: list[events.Event] = []
    names = (apikeys.EVENT_CREATED, apikeys.EVENT_REVOKED, apikeys.EVENT_USED_FIRST)
    for name in names:
        events.subscribe(name, seen.append)
    yield seen
    for name in names:
        events.unsubscribe(name, seen.append)


def _row_values(key: ApiKey) -> str:
    return repr(list(ApiKey.objects.filter(pk=key.pk).values_list()))


# --- Create --------------------------------------------------------------------------------


def test_create_shows_the_plaintext_once_and_stores_only_its_hash(tree):
    user = make_member(tree["customer"], Role.TECHNICAL)
    with time_machine.travel(T0, tick=False):
        key, raw = api_key_create(user=user, organization=tree["customer"], name=" CI deploy ")

    assert raw.startswith("sw_")
    assert len(raw) == len("sw_") + 43
    key.refresh_from_db()
    assert key.name == "CI deploy"
    assert key.user == user
    assert key.organization == tree["customer"]
    assert key.prefix == raw[:11]
    assert key.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.created_at == T0
    assert key.last_used_at is None
    assert key.revoked_at is None
    # The plaintext (and even its secret tail) is nowhere in the stored row.
    assert raw not in _row_values(key)
    assert raw[11:] not in _row_values(key)
    # A second key is a different secret.
    _key2, raw2 = api_key_create(user=user, organization=tree["customer"], name="Other")
    assert raw2 != raw


@pytest.mark.parametrize("role", [Role.OWNER, Role.ACCOUNT_MANAGER, Role.BILLING, Role.TECHNICAL])
def test_members_with_a_key_role_may_create_keys(tree, role):
    user = make_member(tree["customer"], role)
    key, _raw = api_key_create(user=user, organization=tree["customer"], name="Script")
    assert ApiKey.objects.get() == key


def test_create_refuses_a_read_only_member_and_writes_nothing(tree):
    user = make_member(tree["customer"], Role.READ_ONLY)
    with pytest.raises(RoleRequired):
        api_key_create(user=user, organization=tree["customer"], name="Script")
    assert ApiKey.objects.count() == 0


def test_create_refuses_anonymous_outsiders_and_parent_staff(tree):
    outsider = make_member(tree["other"], Role.OWNER)
    reseller_owner = make_member(tree["reseller"], Role.OWNER)
    inactive = make_member(tree["customer"], Role.OWNER)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    for user in (AnonymousUser(), outsider, reseller_owner, inactive):
        with pytest.raises(OrganizationNotFound):
            api_key_create(user=user, organization=tree["customer"], name="Script")
    assert ApiKey.objects.count() == 0


@pytest.mark.parametrize("name", ["", "   ", "x" * (apikeys.NAME_MAX_LENGTH + 1)])
def test_create_needs_a_sensible_name(tree, name):
    user = make_member(tree["customer"], Role.OWNER)
    with pytest.raises(ValidationError) as raised:
        api_key_create(user=user, organization=tree["customer"], name=name)
    assert raised.value.details == {"field": "name"}
    assert ApiKey.objects.count() == 0


def test_create_stops_at_the_limit_of_active_keys(tree):
    user = make_member(tree["customer"], Role.OWNER)
    for n in range(MAX_ACTIVE_API_KEYS):
        api_key_create(user=user, organization=tree["customer"], name=f"Key {n}")
    with pytest.raises(ConflictError) as raised:
        api_key_create(user=user, organization=tree["customer"], name="One more")
    assert raised.value.code == "api_key_limit_reached"
    assert ApiKey.objects.count() == MAX_ACTIVE_API_KEYS
    # A revoked key frees a place.
    api_key_revoke(user=user, organization=tree["customer"], pk=ApiKey.objects.first().pk)
    api_key_create(user=user, organization=tree["customer"], name="One more")


def test_create_publishes_an_event_after_commit(tree, captured, django_capture_on_commit_callbacks):
    user = make_member(tree["customer"], Role.TECHNICAL)
    with django_capture_on_commit_callbacks(execute=True):
        key, _raw = api_key_create(
            user=user, organization=tree["customer"], name="CI", ip="192.0.2.7", user_agent="curl"
        )
        assert captured == []
    assert [(e.name, e.payload) for e in captured] == [
        (
            "tenancy.api_key_created",
            {
                "organization_id": tree["customer"].pk,
                "user_id": user.pk,
                "actor_id": user.pk,
                "api_key_id": key.pk,
                "key_name": "CI",
                "prefix": key.prefix,
                "ip": "192.0.2.7",
                "user_agent": "curl",
            },
        )
    ]


# --- Authenticate --------------------------------------------------------------------------


@pytest.fixture
def live_key(tree):
    user = make_member(tree["customer"], Role.TECHNICAL)
    key, raw = api_key_create(user=user, organization=tree["customer"], name="CI")
    return {"key": key, "raw": raw, "user": user, "organization": tree["customer"]}


def test_authenticate_returns_the_user_and_organization_and_notes_the_use(live_key):
    with time_machine.travel(T0, tick=False):
        caller = api_key_authenticate(raw_key=live_key["raw"])
    assert caller == ApiCaller(user=live_key["user"], organization=live_key["organization"])
    user, organization = caller
    assert (user, organization) == (live_key["user"], live_key["organization"])
    live_key["key"].refresh_from_db()
    assert live_key["key"].last_used_at == T0


def test_authenticate_refuses_wrong_and_malformed_keys(live_key):
    raw = live_key["raw"]
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    for candidate in (
        tampered,
        raw[:-1],
        raw.upper(),
        "",
        "sw_",
        "xx" + raw[2:],
        None,
        42,
        raw * 3,
    ):
        assert api_key_authenticate(raw_key=candidate) is None
    live_key["key"].refresh_from_db()
    assert live_key["key"].last_used_at is None


def test_authenticate_refuses_a_revoked_key(live_key):
    api_key_revoke(
        user=live_key["user"], organization=live_key["organization"], pk=live_key["key"].pk
    )
    assert api_key_authenticate(raw_key=live_key["raw"]) is None


def test_authenticate_refuses_a_user_who_left_the_organization(live_key):
    Membership.objects.filter(user=live_key["user"]).delete()
    assert api_key_authenticate(raw_key=live_key["raw"]) is None


def test_authenticate_refuses_a_user_moved_to_read_only(live_key):
    membership_set(
        organization=live_key["organization"], user=live_key["user"], role=Role.READ_ONLY
    )
    assert api_key_authenticate(raw_key=live_key["raw"]) is None


def test_authenticate_refuses_an_inactive_user(live_key):
    live_key["user"].is_active = False
    live_key["user"].save(update_fields=["is_active"])
    assert api_key_authenticate(raw_key=live_key["raw"]) is None


def test_authenticate_refuses_an_inactive_organization(live_key):
    live_key["organization"].is_active = False
    live_key["organization"].save(update_fields=["is_active"])
    assert api_key_authenticate(raw_key=live_key["raw"]) is None


def test_last_used_is_written_at_most_once_a_minute(live_key, django_assert_num_queries):
    key = live_key["key"]
    with time_machine.travel(T0, tick=False):
        api_key_authenticate(raw_key=live_key["raw"])
    with (
        time_machine.travel(T0 + dt.timedelta(seconds=59), tick=False),
        django_assert_num_queries(1),  # the lookup only, no write
    ):
        assert api_key_authenticate(raw_key=live_key["raw"]) is not None
    key.refresh_from_db()
    assert key.last_used_at == T0
    with (
        time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False),
        django_assert_num_queries(2),  # the lookup and one conditional UPDATE
    ):
        api_key_authenticate(raw_key=live_key["raw"])
    key.refresh_from_db()
    assert key.last_used_at == T0 + dt.timedelta(seconds=61)


def test_a_stale_copy_never_moves_last_used_backwards(live_key):
    key = live_key["key"]
    with time_machine.travel(T0, tick=False):
        api_key_authenticate(raw_key=live_key["raw"])
    # Another request wrote a newer time meanwhile; this one's condition no longer matches.
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=T0 + dt.timedelta(minutes=5))
    with time_machine.travel(T0 + dt.timedelta(minutes=2), tick=False):
        api_key_authenticate(raw_key=live_key["raw"])
    key.refresh_from_db()
    assert key.last_used_at == T0 + dt.timedelta(minutes=5)


def test_first_use_is_announced_once(live_key, captured, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(T0, tick=False):
            api_key_authenticate(raw_key=live_key["raw"], ip="198.51.100.4", user_agent="ci")
        with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
            api_key_authenticate(raw_key=live_key["raw"])
    assert [(e.name, e.payload) for e in captured] == [
        (
            "tenancy.api_key_used_first",
            {
                "organization_id": live_key["organization"].pk,
                "user_id": live_key["user"].pk,
                "actor_id": live_key["user"].pk,
                "api_key_id": live_key["key"].pk,
                "key_name": "CI",
                "prefix": live_key["key"].prefix,
                "ip": "198.51.100.4",
                "user_agent": "ci",
            },
        )
    ]


# --- List and revoke: the access matrix ----------------------------------------------------


@pytest.fixture
def keys(tree):
    customer = tree["customer"]
    owner = make_member(customer, Role.OWNER)
    technical = make_member(customer, Role.TECHNICAL)
    billing = make_member(customer, Role.BILLING)
    own_key, _ = api_key_create(user=technical, organization=customer, name="Technical's")
    billing_key, _ = api_key_create(user=billing, organization=customer, name="Billing's")
    return {
        "organization": customer,
        "owner": owner,
        "technical": technical,
        "billing": billing,
        "own_key": own_key,
        "billing_key": billing_key,
    }


def test_members_list_their_own_keys_and_owners_list_all(keys, tree):
    org = keys["organization"]
    assert list(api_key_list(user=keys["technical"], organization=org)) == [keys["own_key"]]
    assert list(api_key_list(user=keys["owner"], organization=org)) == [
        keys["billing_key"],
        keys["own_key"],
    ]
    reseller_owner = make_member(tree["reseller"], Role.OWNER)
    assert len(api_key_list(user=reseller_owner, organization=org)) == 2
    with pytest.raises(OrganizationNotFound):
        api_key_list(user=make_member(tree["other"]), organization=org)


def test_revoke_by_anonymous_is_refused(keys):
    with pytest.raises(OrganizationNotFound):
        api_key_revoke(
            user=AnonymousUser(), organization=keys["organization"], pk=keys["own_key"].pk
        )
    keys["own_key"].refresh_from_db()
    assert keys["own_key"].revoked_at is None


def test_revoke_from_another_organization_is_not_found(keys, tree):
    other_owner = make_member(tree["other"], Role.OWNER)
    with pytest.raises(OrganizationNotFound):
        api_key_revoke(user=other_owner, organization=keys["organization"], pk=keys["own_key"].pk)
    # Through their own organization the key does not exist for them either.
    with pytest.raises(ApiKeyNotFound):
        api_key_revoke(user=other_owner, organization=tree["other"], pk=keys["own_key"].pk)
    keys["own_key"].refresh_from_db()
    assert keys["own_key"].revoked_at is None


def test_revoke_of_someone_elses_key_by_a_member_without_the_owner_role_is_not_found(keys):
    with pytest.raises(ApiKeyNotFound):
        api_key_revoke(
            user=keys["technical"], organization=keys["organization"], pk=keys["billing_key"].pk
        )
    keys["billing_key"].refresh_from_db()
    assert keys["billing_key"].revoked_at is None


@pytest.mark.parametrize("pk", ["abc", None, 10**9])
def test_revoke_of_a_bad_id_is_not_found(keys, pk):
    with pytest.raises(ApiKeyNotFound):
        api_key_revoke(user=keys["owner"], organization=keys["organization"], pk=pk)


def test_a_member_revokes_their_own_key(keys, captured, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        key = api_key_revoke(
            user=keys["technical"], organization=keys["organization"], pk=keys["own_key"].pk
        )
    key.refresh_from_db()
    assert key.revoked_at == T0
    assert [e.name for e in captured] == ["tenancy.api_key_revoked"]
    assert captured[0].payload["actor_id"] == keys["technical"].pk
    assert captured[0].payload["user_id"] == keys["technical"].pk


def test_an_owner_revokes_any_key_of_the_organization_once(
    keys, captured, django_capture_on_commit_callbacks
):
    org = keys["organization"]
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(T0, tick=False):
            api_key_revoke(user=keys["owner"], organization=org, pk=keys["billing_key"].pk)
        with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
            again = api_key_revoke(user=keys["owner"], organization=org, pk=keys["billing_key"].pk)
    assert again.revoked_at == T0
    assert [(e.name, e.payload["actor_id"], e.payload["user_id"]) for e in captured] == [
        ("tenancy.api_key_revoked", keys["owner"].pk, keys["billing"].pk)
    ]


def test_a_reseller_owner_revokes_a_key_of_a_customer_it_serves(keys, tree):
    reseller_owner = make_member(tree["reseller"], Role.OWNER)
    key = api_key_revoke(
        user=reseller_owner, organization=keys["organization"], pk=keys["own_key"].pk
    )
    assert key.revoked_at is not None


def test_access_api_key_scopes_to_the_organization(keys, tree):
    assert (
        access_api_key(user=keys["owner"], organization=keys["organization"], pk=keys["own_key"].pk)
        == keys["own_key"]
    )
    reseller_owner = make_member(tree["reseller"], Role.OWNER)
    with pytest.raises(ApiKeyNotFound):  # right key, wrong organization in the request
        access_api_key(user=reseller_owner, organization=tree["other"], pk=keys["own_key"].pk)


def test_staff_revoke_needs_staff(keys):
    with pytest.raises(ApplicationError):
        api_key_revoke_by_staff(actor=keys["owner"], pk=keys["own_key"].pk)
    staff = make_user(is_staff=True)
    assert api_key_revoke_by_staff(actor=staff, pk=keys["own_key"].pk).revoked_at is not None
    with pytest.raises(ApiKeyNotFound):
        api_key_revoke_by_staff(actor=staff, pk=10**9)


# --- The ninja auth class ------------------------------------------------------------------


def test_api_key_auth_sets_the_user_and_organization(live_key):
    request = RequestFactory().get("/", HTTP_X_API_KEY=live_key["raw"])
    request.user = AnonymousUser()
    assert ApiKeyAuth()(request) == live_key["user"]
    assert request.user == live_key["user"]
    assert request.api_organization == live_key["organization"]
    assert api_organization(request) == live_key["organization"]


def test_api_key_auth_without_a_header_lets_the_next_method_decide():
    request = RequestFactory().get("/")
    assert ApiKeyAuth()(request) is None


def test_api_key_auth_refuses_a_bad_key_loudly(live_key):
    request = RequestFactory().get("/", HTTP_X_API_KEY=live_key["raw"] + "x")
    with pytest.raises(InvalidApiKey) as raised:
        ApiKeyAuth()(request)
    assert (raised.value.status, raised.value.code) == (401, "invalid_api_key")


def test_api_organization_without_a_key_is_the_sessions_choice(tree):
    user = make_member(tree["customer"], Role.OWNER)
    make_member(tree["other"], Role.OWNER, user=user)
    request = RequestFactory().get("/")
    request.user = user
    request.session = {"organization_id": tree["other"].pk}
    assert api_organization(request) == tree["other"]
    request.user, request.session = AnonymousUser(), {}
    assert api_organization(request) is None


auth_test_api = NinjaAPI(urls_namespace="apikey-auth-test")


@auth_test_api.exception_handler(ApplicationError)
def _application_error(request, exc):
    return auth_test_api.create_response(request, exc.as_dict(), status=exc.status)


@auth_test_api.get("/private", auth=session_or_api_key())
def private_endpoint(request):
    organization = api_organization(request)
    return {"user": request.auth.email, "organization": organization.name if organization else None}


@auth_test_api.get("/public", auth=api_key_optional())
def public_endpoint(request):
    organization = api_organization(request)
    return {"organization": organization.name if organization else None}


urlpatterns = [path("api/", auth_test_api.urls)]


@pytest.mark.urls(__name__)
def test_private_endpoint_takes_a_key_or_a_session(client, live_key, tree):
    response = client.get("/api/private", HTTP_X_API_KEY=live_key["raw"])
    assert response.status_code == 200
    assert response.json() == {"user": live_key["user"].email, "organization": "Acme"}

    assert client.get("/api/private").status_code == 401

    bad = client.get("/api/private", HTTP_X_API_KEY="sw_" + "x" * 43)
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "invalid_api_key"

    signed_in = make_member(tree["other"], Role.READ_ONLY)
    client.force_login(signed_in)
    assert client.get("/api/private").json() == {"user": signed_in.email, "organization": "Globex"}
    # A bad key never falls back to the session.
    assert client.get("/api/private", HTTP_X_API_KEY="sw_nope").status_code == 401
    # A good key wins over the session: the key's user and organization.
    assert client.get("/api/private", HTTP_X_API_KEY=live_key["raw"]).json() == {
        "user": live_key["user"].email,
        "organization": "Acme",
    }


@pytest.mark.urls(__name__)
def test_public_endpoint_serves_visitors_and_personalises_for_a_key(client, live_key):
    assert client.get("/api/public").json() == {"organization": None}
    assert client.get("/api/public", HTTP_X_API_KEY=live_key["raw"]).json() == {
        "organization": "Acme"
    }
    assert client.get("/api/public", HTTP_X_API_KEY="sw_wrong").status_code == 401


@pytest.mark.urls(__name__)
def test_the_auth_class_is_documented_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").json()
    assert document["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
    }


# --- Admin ---------------------------------------------------------------------------------


def test_admin_lists_keys_read_only_and_revokes_through_the_service(client, keys):
    admin_user = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    listing = client.get("/admin/tenancy/apikey/")
    assert listing.status_code == 200
    assert keys["own_key"].secret_hash not in listing.content.decode()
    assert client.get("/admin/tenancy/apikey/add/").status_code == 403
    change = client.get(f"/admin/tenancy/apikey/{keys['own_key'].pk}/change/")
    assert change.status_code == 200
    assert keys["own_key"].secret_hash not in change.content.decode()
    assert 'name="_save"' not in change.content.decode()
    response = client.post(
        "/admin/tenancy/apikey/",
        {"action": "revoke_selected", "_selected_action": [keys["own_key"].pk]},
    )
    assert response.status_code == 302
    keys["own_key"].refresh_from_db()
    keys["billing_key"].refresh_from_db()
    assert keys["own_key"].revoked_at is not None
    assert keys["billing_key"].revoked_at is None
