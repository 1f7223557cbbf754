import datetime as dt
import json

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

from seatwise.notifications.mail import email_deliver
from seatwise.notifications.selectors import mailbox_list, mailbox_version
from seatwise.notifications.sms import MailboxSmsBackend, SmsMessage

pytestmark = [pytest.mark.urls("seatwise.notifications.tests.urls")]

URL = "/dev/mailbox/"
AT = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def mailbox(settings):
    """The file e-mail backend writing into this test's mailbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = settings.MAILBOX_DIR / "email"
    return settings.MAILBOX_DIR


def _email(at, to, subject, text, event=""):
    with time_machine.travel(at, tick=False):
        email_deliver(
            to=to, subject=subject, text=text, headers={"X-Seatwise-Event": event} if event else {}
        )


def _sms(at, to, body, kind="text"):
    with time_machine.travel(at, tick=False):
        MailboxSmsBackend().send(SmsMessage(to=to, body=body, kind=kind))


def _fill(mailbox):
    _email(AT, "first@example.com", "Welcome to Seatwise", "Hello Olga")
    _sms(AT + dt.timedelta(minutes=1), "+380672498010", "Seatwise sign-in code: 482913.")
    _email(
        AT + dt.timedelta(minutes=2),
        "olga@example.com",
        "Your Seatwise e-mail verification code",
        "Enter this code:\n\n    731905\n\nhttps://shop.example.com/verify/",
        event="identity.email_verification_code",
    )
    _sms(AT + dt.timedelta(minutes=3), "+380501112233", "This is Seatwise. 5 5 1 2", kind="voice")


def test_the_mailbox_lists_emails_and_sms_newest_first(mailbox):
    _fill(mailbox)
    entries = mailbox_list()
    assert [(e.kind, e.to, e.sent_at) for e in entries] == [
        ("voice", "+380501112233", AT + dt.timedelta(minutes=3)),
        ("email", "olga@example.com", AT + dt.timedelta(minutes=2)),
        ("sms", "+380672498010", AT + dt.timedelta(minutes=1)),
        ("email", "first@example.com", AT),
    ]
    verification = entries[1]
    assert verification.subject == "Your Seatwise e-mail verification code"
    assert verification.event == "identity.email_verification_code"
    assert verification.codes == ["731905"]
    assert verification.links == ["https://shop.example.com/verify/"]
    assert entries[2].codes == ["482913"]


def test_messages_of_the_same_second_keep_their_order(mailbox):
    email_deliver(to="first@example.com", subject="First", text="1")
    MailboxSmsBackend().send(SmsMessage(to="+380672498010", body="Second"))
    email_deliver(to="third@example.com", subject="Third", text="3")
    assert [e.to for e in mailbox_list()] == [
        "third@example.com",
        "+380672498010",
        "first@example.com",
    ]


def test_a_code_read_aloud_is_picked_out(mailbox):
    _sms(AT, "+380672498010", "Your code is 4 8 2 9 1 3. Once again: 4 8 2 9 1 3.", "voice")
    (entry,) = mailbox_list()
    assert entry.codes == ["482913"]


def test_an_allauth_code_is_picked_out_and_a_port_number_is_not(mailbox):
    email_deliver(
        to="olga@example.test",
        subject="[Seatwise] Password Reset Code",
        text="Your password reset code is listed below.\n\nPDSZ-CFJV\n\n"
        "Thank you for using 127.0.0.1:8765!\n127.0.0.1:8765",
    )
    (entry,) = mailbox_list()
    assert entry.codes == ["PDSZ-CFJV"]


def test_several_messages_in_one_log_file_are_all_read(mailbox):
    folder = mailbox / "email"
    folder.mkdir(parents=True)
    backend = FileEmailBackend(file_path=str(folder))
    messages = [
        EmailMessage(subject=f"Message {n}", body=f"Body {n}", to=[f"u{n}@example.com"])
        for n in (1, 2, 3)
    ]
    assert backend.send_messages(messages) == 3
    assert len(list(folder.iterdir())) == 1
    assert sorted(e.subject for e in mailbox_list(kind="email")) == [
        "Message 1",
        "Message 2",
        "Message 3",
    ]


def test_unreadable_files_are_skipped(mailbox):
    _fill(mailbox)
    (mailbox / "sms" / "broken.json").write_text("{not json")
    (mailbox / "sms" / "partial.json").write_text(json.dumps({"to": "+1"}))
    assert len(mailbox_list()) == 4


def test_only_the_latest_of_each_kind_are_listed(mailbox):
    for minute in range(4):
        _sms(AT + dt.timedelta(minutes=minute), "+380672498010", f"SMS {minute}")
    assert [e.text for e in mailbox_list(limit=2)] == ["SMS 3", "SMS 2"]


def test_the_page_shows_both_kinds_newest_first_with_their_codes(client, settings, mailbox, db):
    settings.DEBUG = True
    _fill(mailbox)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Developer mailbox" in html
    assert "No sign-in needed" in html
    recipients = ["+380501112233", "olga@example.com", "+380672498010", "first@example.com"]
    positions = [html.index(f'<strong class="mailbox-to">{r}</strong>') for r in recipients]
    assert positions == sorted(positions)
    code_badge = "badge text-bg-light border fs-5 font-monospace user-select-all mailbox-code"
    assert f'<span class="{code_badge}">731905</span>' in html
    assert 'mailbox-code">482913</span>' in html
    assert '<a class="text-break" href="https://shop.example.com/verify/">' in html
    assert 'hx-trigger="every 5s"' in html
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_the_page_is_not_found_when_debug_is_off(client, settings, mailbox, db):
    settings.DEBUG = False
    _fill(mailbox)
    response = client.get(URL)
    assert response.status_code == 404
    assert "482913" not in response.content.decode()


def test_htmx_polling_gets_only_the_list_which_keeps_polling(client, settings, mailbox, db):
    settings.DEBUG = True
    _fill(mailbox)
    response = client.get(URL, {"kind": "sms"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<div id="mailbox-entries" hx-get="/dev/mailbox/?kind=sms&amp;version=')
    assert "<html" not in html
    assert html.count('class="card shadow-sm mailbox-entry"') == 2
    assert "olga@example.com" not in html
    assert "HX-Request" in response["Vary"]


def test_polling_gets_no_content_until_a_new_message_arrives(client, settings, mailbox, db):
    settings.DEBUG = True
    _fill(mailbox)
    version = mailbox_version(mailbox_list())
    htmx = {"HX-Request": "true"}
    assert client.get(URL, {"version": version}, headers=htmx).status_code == 204
    _sms(AT + dt.timedelta(minutes=9), "+380672498010", "Seatwise sign-in code: 100200.")
    response = client.get(URL, {"version": version}, headers=htmx)
    assert response.status_code == 200
    assert response.content.decode().count('class="card shadow-sm mailbox-entry"') == 5
    assert client.get(URL, {"version": version}).status_code == 200  # a full page always


def test_an_empty_mailbox_says_how_to_fill_it(client, settings, db):
    settings.DEBUG = True
    response = client.get(URL)
    assert response.status_code == 200
    assert "The mailbox is empty." in response.content.decode()


def test_the_page_speaks_ukrainian(client, settings, mailbox, db):
    settings.DEBUG = True
    response = client.get(URL, headers={"Accept-Language": "uk"})
    assert "Поштова скринька розробника" in response.content.decode()


def test_the_page_refuses_a_post(client, settings, db):
    settings.DEBUG = True
    assert client.post(URL).status_code == 405


def test_an_email_sent_through_a_delivery_shows_its_event(
    client, settings, mailbox, db, django_capture_on_commit_callbacks
):
    from seatwise.notifications.services import notification_send

    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            event="identity.sign_in_code",
            to_email="olga@example.com",
            context={"code": "907311", "expires_minutes": 10},
        )
    assert mail.outbox == []  # it went to the file backend
    (entry,) = mailbox_list()
    assert (entry.event, entry.codes) == ("identity.sign_in_code", ["907311"])


def test_an_order_e_mail_has_no_codes_picked_out_of_its_number_or_amount(mailbox):
    email_deliver(
        to="olga@example.test",
        subject="Your Seatwise order 03-12-2026 00002 was placed",
        text="Order 03-12-2026 00002, total 7400.00 UAH.",
        headers={"X-Seatwise-Event": "orders.placed"},
    )
    email_deliver(
        to="olga@example.test",
        subject="Your code",
        text="Your code is 731905.",
        headers={"X-Seatwise-Event": "identity.sign_in_code"},
    )
    code_entry, order_entry = mailbox_list()
    assert order_entry.codes == []
    assert code_entry.codes == ["731905"]
