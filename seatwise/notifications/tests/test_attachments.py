"""Attachments: kept beside the e-mail delivery, sent with it, listed in the developer
mailbox with a download link."""

import pytest
from django.core import mail

from seatwise.notifications.enums import DeliveryStatus
from seatwise.notifications.exceptions import NotificationInputError
from seatwise.notifications.models import Delivery, DeliveryAttachment
from seatwise.notifications.services import Attachment, notification_send

pytestmark = [pytest.mark.django_db, pytest.mark.urls("seatwise.notifications.tests.urls")]

PDF = b"%PDF-1.3\n% a tiny stand-in\n"


def _send(**extra):
    return notification_send(
        event="test.ping",
        to_email="olga@example.com",
        context={},
        attachments=[Attachment("INV-2026-000001.pdf", PDF, "application/pdf")],
        **extra,
    )


def test_an_attachment_goes_out_with_the_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = _send()
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
    (message,) = mail.outbox
    assert message.attachments == [("INV-2026-000001.pdf", PDF, "application/pdf")]
    stored = DeliveryAttachment.objects.get()
    assert (stored.delivery_id, stored.filename, stored.size) == (
        delivery.pk,
        message.attachments[0][0],
        len(PDF),
    )


def test_attachments_go_with_the_email_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email, sms = _send(to_phone="+380672498010")
    assert list(DeliveryAttachment.objects.values_list("delivery_id", flat=True)) == [email.pk]
    assert sms.channel == "sms"


def test_a_repeated_send_attaches_nothing_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(idempotency_key="invoice-1")
    with django_capture_on_commit_callbacks(execute=True):
        _send(idempotency_key="invoice-1")
    assert len(mail.outbox) == 1
    assert DeliveryAttachment.objects.count() == 1


@pytest.mark.parametrize(
    "attachment",
    [
        Attachment("", PDF),
        Attachment("a.pdf", "not bytes"),
        Attachment("a.pdf", b"x" * (10 * 1024 * 1024 + 1)),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_written(attachment):
    with pytest.raises(NotificationInputError):
        notification_send(
            event="test.ping", to_email="olga@example.com", context={}, attachments=[attachment]
        )
    assert not Delivery.objects.exists()
    assert not DeliveryAttachment.objects.exists()


def test_a_path_in_the_file_name_is_dropped(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            event="test.ping",
            to_email="olga@example.com",
            context={},
            attachments=[Attachment("../../etc/invoice.pdf", PDF, "application/pdf")],
        )
    assert DeliveryAttachment.objects.get().filename == "invoice.pdf"


@pytest.fixture
def mailbox(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = settings.MAILBOX_DIR / "email"
    return settings.MAILBOX_DIR


def test_the_mailbox_lists_attachments_with_a_download_link(
    client, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = _send()
    page = client.get("/dev/mailbox/").content.decode()
    link = f"/dev/mailbox/attachments/{delivery.pk}/INV-2026-000001.pdf"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="INV-2026-000001.pdf"' in response["Content-Disposition"]
    assert response.content == PDF
    assert client.get(f"/dev/mailbox/attachments/{delivery.pk}/other.pdf").status_code == 404


def test_the_attachment_download_needs_debug(
    client, mailbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = _send()
    settings.DEBUG = False
    response = client.get(f"/dev/mailbox/attachments/{delivery.pk}/INV-2026-000001.pdf")
    assert response.status_code == 404
