"""The HTTP SMS gateway backend against a real HTTP server on 127.0.0.1."""

import pytest

from seatwise.notifications.enums import DeliveryStatus
from seatwise.notifications.exceptions import PermanentDeliveryError, TransientDeliveryError
from seatwise.notifications.models import Delivery
from seatwise.notifications.services import DELIVERY_MAX_ATTEMPTS, notification_send
from seatwise.notifications.sms import HttpSmsGatewayBackend, SmsMessage, SmsReceipt

from .conftest import GatewayReply

CODE = {"code": "482913", "expires_minutes": 10}


def _backend(gateway, **overrides):
    options = {"url": gateway.url, "token": "gw-secret-token", "sender": "Seatwise", "timeout": 2}
    return HttpSmsGatewayBackend(**{**options, **overrides})


def test_the_gateway_receives_json_with_a_bearer_token(sms_gateway):
    receipt = _backend(sms_gateway).send(
        SmsMessage(to="+380672498010", body="Code 482913", reference="delivery-7")
    )
    assert receipt == SmsReceipt(external_id="gw-1")
    (request,) = sms_gateway.requests
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == "Bearer gw-secret-token"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Idempotency-Key"] == "delivery-7"
    assert request["json"] == {
        "to": "+380672498010",
        "text": "Code 482913",
        "sender": "Seatwise",
        "kind": "text",
        "reference": "delivery-7",
    }


def test_a_voice_call_is_a_kind_the_gateway_receives(sms_gateway):
    _backend(sms_gateway).send(SmsMessage(to="+380672498010", body="4 8 2 9", kind="voice"))
    assert sms_gateway.requests[0]["json"]["kind"] == "voice"


def test_the_backend_reads_its_settings(gateway_settings, sms_gateway):
    backend = HttpSmsGatewayBackend()
    assert (backend.url, backend.token, backend.sender) == (
        sms_gateway.url,
        "gw-secret-token",
        "Seatwise",
    )


def test_an_answer_without_json_is_still_a_success(sms_gateway):
    sms_gateway.reply(GatewayReply(status=202, body="accepted"))
    assert _backend(sms_gateway).send(SmsMessage(to="+1", body="x")) == SmsReceipt()


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_transient(sms_gateway, status):
    sms_gateway.reply(
        GatewayReply(status=status, body={"error": "busy"}, headers={"Retry-After": "7"})
    )
    with pytest.raises(TransientDeliveryError) as caught:
        _backend(sms_gateway).send(SmsMessage(to="+380672498010", body="x"))
    assert caught.value.details == {"status": status}
    assert caught.value.retry_after == 7


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_permanent(sms_gateway, status):
    sms_gateway.reply(GatewayReply(status=status, body={"error": "bad number"}))
    with pytest.raises(PermanentDeliveryError) as caught:
        _backend(sms_gateway).send(SmsMessage(to="+380672498010", body="x"))
    assert caught.value.details == {"status": status}
    assert str(status) in caught.value.message


def test_a_slow_gateway_is_a_transient_timeout(sms_gateway):
    sms_gateway.reply(GatewayReply(delay=1.0))
    with pytest.raises(TransientDeliveryError) as caught:
        _backend(sms_gateway, timeout=0.2).send(SmsMessage(to="+380672498010", body="x"))
    assert caught.value.details == {"reason": "timeout"}


def test_an_unreachable_gateway_is_transient(closed_port):
    backend = HttpSmsGatewayBackend(url=f"http://127.0.0.1:{closed_port}/", token="t", timeout=2)
    with pytest.raises(TransientDeliveryError) as caught:
        backend.send(SmsMessage(to="+380672498010", body="x"))
    assert caught.value.details == {"reason": "network"}


def test_a_missing_gateway_url_is_permanent(settings):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(PermanentDeliveryError) as caught:
        HttpSmsGatewayBackend().send(SmsMessage(to="+380672498010", body="x"))
    assert caught.value.code == "sms_gateway_unset"


def _send_sign_in_code(capture):
    with capture(execute=True):
        (delivery,) = notification_send(
            event="identity.sign_in_code", to_phone="+380672498010", context=CODE
        )
    delivery.refresh_from_db()
    return delivery


@pytest.mark.django_db
def test_a_transient_gateway_error_is_retried_until_sent(
    gateway_settings, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.reply(GatewayReply(status=503), GatewayReply(status=429), GatewayReply(status=200))
    delivery = _send_sign_in_code(django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    assert delivery.external_id == "gw-1"
    assert delivery.error == ""
    assert len(sms_gateway.requests) == 3
    assert {r["json"]["reference"] for r in sms_gateway.requests} == {f"delivery-{delivery.pk}"}


@pytest.mark.django_db
def test_transient_gateway_errors_stop_after_the_last_attempt(
    gateway_settings, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.reply(*[GatewayReply(status=503, body="down")] * 5)
    delivery = _send_sign_in_code(django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, DELIVERY_MAX_ATTEMPTS)
    assert delivery.error == "The SMS gateway answered 503: down"
    assert delivery.payload == {}
    assert len(sms_gateway.requests) == DELIVERY_MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_permanent_gateway_error_is_not_retried(
    gateway_settings, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.reply(GatewayReply(status=400, body="invalid number"))
    delivery = _send_sign_in_code(django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.error == "The SMS gateway refused the message (400): invalid number"
    assert len(sms_gateway.requests) == 1


@pytest.mark.django_db
def test_a_gateway_echoing_the_code_does_not_put_it_in_the_log(
    gateway_settings, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.reply(GatewayReply(status=400, body="cannot send 'Seatwise sign-in code: 482913'"))
    delivery = _send_sign_in_code(django_capture_on_commit_callbacks)
    assert "482913" not in delivery.error
    assert Delivery.objects.filter(error__contains="482913").count() == 0
