import datetime as dt
import json
from email import message_from_bytes, policy

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from seatwise.notifications.enums import Channel, DeliveryStatus
from seatwise.notifications.exceptions import NotificationInputError, UnknownEventError
from seatwise.notifications.masking import mask_secrets
from seatwise.notifications.models import Delivery
from seatwise.notifications.services import (
    DELIVERY_MAX_ATTEMPTS,
    delivery_attempt,
    delivery_requeue_stuck,
    notification_send,
    retry_delay,
)
from seatwise.notifications.tasks import delivery_send_task
from seatwise.tenancy.tests.factories import make_provider

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
CODE = {"code": "482913", "expires_minutes": 10}


def _send(capture, **kwargs):
    kwargs.setdefault("event", "identity.email_verification_code")
    kwargs.setdefault("context", CODE)
    with capture(execute=True):
        return notification_send(**kwargs)


def test_an_email_is_sent_through_the_configured_backend(django_capture_on_commit_callbacks):
    provider = make_provider()
    with time_machine.travel(AT, tick=False):
        (delivery,) = _send(
            django_capture_on_commit_callbacks,
            to_email="olga@example.com",
            organization_id=provider.pk,
        )
    (message,) = mail.outbox
    assert message.to == ["olga@example.com"]
    assert message.from_email == "Seatwise <noreply@seatwise.local>"
    assert message.subject == "Your Seatwise e-mail verification code"
    assert "    482913\n" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and ">482913</span>" in html
    assert message.extra_headers["X-Seatwise-Event"] == "identity.email_verification_code"
    assert message.extra_headers["X-Seatwise-Delivery"] == str(delivery.pk)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["Date"] == "Wed, 25 Nov 2026 09:30:00 -0000"
    assert message.extra_headers["X-Seatwise-Sent-At"] == "2026-11-25T09:30:00+00:00"
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.recipient, delivery.language) == (
        Channel.EMAIL,
        "olga@example.com",
        "en",
    )
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.SENT, 1, "")
    assert delivery.organization_id == provider.pk
    assert (delivery.created_at, delivery.last_attempt_at, delivery.sent_at) == (AT, AT, AT)
    assert delivery.external_id == message.extra_headers["Message-ID"]


def test_an_email_is_sent_in_the_recipients_language(django_capture_on_commit_callbacks):
    _send(django_capture_on_commit_callbacks, to_email="olga@example.com", language="uk")
    (message,) = mail.outbox
    assert message.subject == "Ваш код підтвердження електронної пошти Seatwise"
    assert message.body.startswith("Вітаємо!\n")
    assert Delivery.objects.get().language == "uk"


def test_an_email_lands_in_the_mailbox_with_the_file_backend(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = settings.MAILBOX_DIR / "email"
    _send(django_capture_on_commit_callbacks, to_email="olga@example.com", language="uk")
    (path,) = (settings.MAILBOX_DIR / "email").glob("*.log")
    raw, _separator, rest = path.read_bytes().partition(b"\n" + b"-" * 79 + b"\n")
    assert rest == b""
    message = message_from_bytes(raw, policy=policy.default)
    assert str(message["To"]) == "olga@example.com"
    assert str(message["Subject"]).strip() == "Ваш код підтвердження електронної пошти Seatwise"
    assert "482913" in message.get_body(preferencelist=("plain",)).get_content()
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_an_sms_lands_in_the_mailbox(settings, django_capture_on_commit_callbacks):
    with time_machine.travel(AT, tick=False):
        (delivery,) = _send(
            django_capture_on_commit_callbacks,
            event="identity.sign_in_code",
            to_phone="+380 67 249 8010",
        )
    (path,) = (settings.MAILBOX_DIR / "sms").iterdir()
    assert json.loads(path.read_text()) == {
        "to": "+380672498010",
        "body": "Seatwise sign-in code: 482913. Valid for 10 min. Do not share it.",
        "kind": "text",
        "reference": f"delivery-{delivery.pk}",
        "sent_at": "2026-11-25T09:30:00+00:00",
    }
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.recipient, delivery.status) == (
        Channel.SMS,
        "+380672498010",
        DeliveryStatus.SENT,
    )
    assert delivery.external_id == path.name


def test_a_voice_call_goes_through_the_sms_backend(memory_sms, django_capture_on_commit_callbacks):
    (delivery,) = _send(
        django_capture_on_commit_callbacks,
        event="identity.phone_verification_code",
        to_phone="+380672498010",
        voice=True,
        language="uk",
    )
    ((to, body, kind),) = [(m.to, m.body, m.kind) for m in memory_sms]
    assert (to, kind) == ("+380672498010", "voice")
    assert (
        body == "Це Seatwise. Ваш код підтвердження телефону: 4 8 2 9 1 3. Повторюю: 4 8 2 9 1 3."
    )
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status) == (Channel.VOICE, DeliveryStatus.SENT)
    assert delivery.preview == (
        "Це Seatwise. Ваш код підтвердження телефону: ********. Повторюю: ********."
    )


def test_email_and_phone_get_one_delivery_each(memory_sms, django_capture_on_commit_callbacks):
    deliveries = _send(
        django_capture_on_commit_callbacks,
        event="identity.password_reset_code",
        to_email="olga@example.com",
        to_phone="+380672498010",
    )
    assert [(d.channel, d.recipient) for d in deliveries] == [
        (Channel.EMAIL, "olga@example.com"),
        (Channel.SMS, "+380672498010"),
    ]
    assert len(mail.outbox) == 1
    assert [m.to for m in memory_sms] == ["+380672498010"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_codes_are_masked_in_the_delivery_log(memory_sms, django_capture_on_commit_callbacks):
    deliveries = _send(
        django_capture_on_commit_callbacks,
        event="identity.sign_in_code",
        to_email="olga@example.com",
        to_phone="+380672498010",
    )
    email, sms = (Delivery.objects.get(pk=d.pk) for d in deliveries)
    assert (email.subject, email.preview) == ("Your Seatwise sign-in code", "")
    assert sms.preview == "Seatwise sign-in code: ******. Valid for 10 min. Do not share it."
    for row in (email, sms):
        assert row.payload == {}
        stored = json.dumps(
            {f.attname: str(getattr(row, f.attname)) for f in Delivery._meta.concrete_fields}
        )
        assert "482913" not in stored


def test_a_secret_link_is_masked_in_the_delivery_log(
    memory_sms, django_capture_on_commit_callbacks
):
    url = "https://shop.example.com/invitations/Zx81kQ2vLm0aPq7rTt4u/"
    _send(
        django_capture_on_commit_callbacks,
        event="tenancy.invitation",
        to_phone="+380672498010",
        context={
            "inviter_name": "Taras",
            "organization_name": "Kyiv Cloud",
            "role": "Owner",
            "accept_url": url,
            "expires_days": 7,
        },
    )
    assert memory_sms[0].body == f"Taras invited you to Kyiv Cloud on Seatwise: {url}"
    assert Delivery.objects.get().preview == "Taras invited you to Kyiv Cloud on Seatwise: ********"


def test_mask_secrets_hides_digit_runs_and_known_values():
    assert (
        mask_secrets("Code 123456, call 1 2 3 4, room 12") == "Code ******, call * * * *, room 12"
    )
    assert mask_secrets("Token ABCDEF ok", secrets=["ABCDEF", "abc"]) == "Token ****** ok"


def test_the_payload_waits_in_the_log_only_until_the_delivery_is_final(
    django_capture_on_commit_callbacks,
):
    with transaction.atomic():
        (delivery,) = notification_send(
            event="identity.sign_in_code", to_email="olga@example.com", context=CODE
        )
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.QUEUED
        assert delivery.attempts == 0
        assert "482913" in delivery.payload["text"]
    with django_capture_on_commit_callbacks(execute=True):
        delivery_send_task.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.payload) == (DeliveryStatus.SENT, {})


def test_nothing_is_sent_before_commit_nor_after_a_rollback(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_send(event="test.ping", to_email="olga@example.com", context={})
    assert len(callbacks) == 1
    assert mail.outbox == []

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_send(event="test.ping", to_email="ivan@example.com", context={})
        raise RuntimeError("the caller's write failed")
    assert callbacks == []
    assert mail.outbox == []
    assert list(Delivery.objects.values_list("recipient", flat=True)) == ["olga@example.com"]


def test_a_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    (delivery,) = _send(
        django_capture_on_commit_callbacks,
        event="test.ping",
        to_email="olga@example.com",
        context={},
    )
    assert delivery_send_task.delay(delivery.pk).get() == DeliveryStatus.SENT
    assert delivery_attempt(delivery_id=delivery.pk).status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_an_unknown_delivery_id_is_left_alone():
    assert delivery_attempt(delivery_id=999_999).status == "missing"


def test_a_repeated_idempotency_key_sends_once(memory_sms, django_capture_on_commit_callbacks):
    first = _send(
        django_capture_on_commit_callbacks,
        event="identity.sign_in_code",
        to_phone="+380672498010",
        idempotency_key="sign-in:42:1",
    )
    again = _send(
        django_capture_on_commit_callbacks,
        event="identity.sign_in_code",
        to_phone="+380672498010",
        idempotency_key="sign-in:42:1",
    )
    assert [d.pk for d in again] == [d.pk for d in first]
    assert len(memory_sms) == 1
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"to_email": None, "to_phone": None}, "notification_no_recipient"),
        ({"to_email": "not-an-address"}, "notification_email_invalid"),
        ({"to_phone": "067 249"}, "notification_phone_invalid"),
        ({"to_phone": "0672498010"}, "notification_phone_invalid"),  # no country code
        ({"to_email": "olga@example.com", "context": {}}, "notification_invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    kwargs, code, django_capture_on_commit_callbacks
):
    kwargs = {"event": "identity.sign_in_code", "context": CODE, **kwargs}
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(NotificationInputError) as caught,
    ):
        notification_send(**kwargs)
    assert caught.value.code == code
    assert Delivery.objects.count() == 0
    assert mail.outbox == []


def test_an_unknown_event_is_refused_and_nothing_is_written():
    with pytest.raises(UnknownEventError):
        notification_send(event="billing.nope", to_email="olga@example.com", context={})
    assert Delivery.objects.count() == 0


def test_an_unreachable_smtp_server_is_retried_then_the_delivery_fails(
    settings, django_capture_on_commit_callbacks, closed_port
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    (delivery,) = _send(
        django_capture_on_commit_callbacks,
        event="test.ping",
        to_email="olga@example.com",
        context={},
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, DELIVERY_MAX_ATTEMPTS)
    assert delivery.error.startswith("ConnectionRefusedError")
    assert delivery.payload == {}


def test_retry_delay_grows_and_is_bounded():
    assert [retry_delay(attempts=n) for n in (1, 2, 3, 4, 10)] == [30, 60, 120, 240, 300]
    assert retry_delay(attempts=1, retry_after=90) == 90
    assert retry_delay(attempts=1, retry_after=3600) == 300


def test_lost_deliveries_are_queued_again_by_the_sweep(django_capture_on_commit_callbacks):
    with time_machine.travel(AT, tick=False), django_capture_on_commit_callbacks(execute=False):
        _queued, sending, exhausted, fresh = (
            notification_send(event="test.ping", to_email=f"{name}@example.com", context={})[0]
            for name in ("queued", "sending", "exhausted", "fresh")
        )
    Delivery.objects.filter(pk=sending.pk).update(
        status=DeliveryStatus.SENDING, attempts=1, last_attempt_at=AT
    )
    Delivery.objects.filter(pk=exhausted.pk).update(
        status=DeliveryStatus.SENDING, attempts=DELIVERY_MAX_ATTEMPTS, last_attempt_at=AT
    )
    Delivery.objects.filter(pk=fresh.pk).update(created_at=AT + dt.timedelta(minutes=20))

    with (
        time_machine.travel(AT + dt.timedelta(minutes=20), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert delivery_requeue_stuck() == 2

    status = dict(Delivery.objects.values_list("recipient", "status"))
    assert status == {
        "queued@example.com": DeliveryStatus.SENT,
        "sending@example.com": DeliveryStatus.SENT,
        "exhausted@example.com": DeliveryStatus.FAILED,
        "fresh@example.com": DeliveryStatus.QUEUED,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["queued@example.com", "sending@example.com"]
    assert Delivery.objects.get(pk=sending.pk).attempts == 2


class ExplodingSmsBackend:
    def send(self, message):
        raise RuntimeError(f"bug while sending {message.body}")


def test_an_unexpected_backend_error_fails_the_delivery_without_retry(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}.ExplodingSmsBackend"
    (delivery,) = _send(
        django_capture_on_commit_callbacks, event="identity.sign_in_code", to_phone="+380672498010"
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.error == "RuntimeError: bug while sending ********"  # the text is masked
