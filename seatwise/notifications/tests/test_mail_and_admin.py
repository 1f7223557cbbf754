import smtplib

import pytest
from django.core.mail import BadHeaderError

from seatwise.notifications.exceptions import PermanentDeliveryError, TransientDeliveryError
from seatwise.notifications.mail import email_error_classify
from seatwise.notifications.services import notification_send
from seatwise.tenancy.tests.factories import make_user


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (
            smtplib.SMTPRecipientsRefused({"a@x.test": (450, b"mailbox busy")}),
            TransientDeliveryError,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"no such user")}),
            PermanentDeliveryError,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@x.test": (450, b"busy"), "b@x.test": (550, b"no")}),
            PermanentDeliveryError,
        ),
        (smtplib.SMTPDataError(421, b"try later"), TransientDeliveryError),
        (smtplib.SMTPSenderRefused(451, b"greylisted", "noreply@x.test"), TransientDeliveryError),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), PermanentDeliveryError),
        (smtplib.SMTPServerDisconnected("gone"), TransientDeliveryError),
        (smtplib.SMTPNotSupportedError("no STARTTLS"), PermanentDeliveryError),
        (ConnectionRefusedError(111, "Connection refused"), TransientDeliveryError),
        (TimeoutError("timed out"), TransientDeliveryError),
        (BadHeaderError("newline in header"), PermanentDeliveryError),
    ],
)
def test_smtp_and_network_errors_are_sorted_into_transient_and_permanent(error, kind):
    assert type(email_error_classify(error)) is kind


@pytest.mark.django_db
def test_the_admin_lists_deliveries_without_their_message(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        (delivery,) = notification_send(
            event="identity.sign_in_code",
            to_email="olga@example.com",
            context={"code": "482913", "expires_minutes": 10},
        )
    admin = make_user("admin@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/notifications/delivery/")
    assert listing.status_code == 200
    assert "olga@example.com" in listing.content.decode()
    detail = client.get(f"/admin/notifications/delivery/{delivery.pk}/change/")
    assert detail.status_code == 200
    assert "482913" not in detail.content.decode()  # the queued payload is never shown
    assert client.get("/admin/notifications/delivery/add/").status_code == 403
