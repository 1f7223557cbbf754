import pytest

from seatwise.notifications.exceptions import NotificationInputError, UnknownEventError
from seatwise.notifications.registry import EVENTS
from seatwise.notifications.rendering import language_resolve, notification_render

CODE = {"code": "482913", "expires_minutes": 10}
SAMPLE_CONTEXT = {
    "identity.email_verification_code": CODE,
    "identity.phone_verification_code": CODE,
    "identity.password_reset_code": CODE,
    "identity.sign_in_code": CODE,
    "identity.welcome": {
        "name": "Olga",
        "username": "olga@example.com",
        "sign_in_url": "https://shop.example.com/accounts/login/",
    },
    "tenancy.invitation": {
        "inviter_name": "Taras Shevchuk",
        "organization_name": "Kyiv Cloud LLC",
        "role": "Account manager",
        "accept_url": "https://shop.example.com/invitations/Zx81kQ2vLm0aPq7rTt4u/",
        "expires_days": 7,
    },
    "test.ping": {},
    **{
        event: {"name": "Olga", "number": "24-11-2026 27131", "total": "120.00 USD"}
        for event in (
            "orders.placed",
            "orders.paid",
            "orders.completed",
            "orders.failed",
            "orders.partially_failed",
        )
    },
    "orders.invoice_issued": {
        "name": "Olga",
        "number": "INV-2026-000123",
        "order_number": "24-11-2026 27131",
        "total": "1,440.00 ₴",
        "due_date": "08.12.2026",
    },
    "subscriptions.tenant_created": {
        "name": "Olga",
        "company": "Acme Ukraine LLC",
        "domain": "acmeua.onmicrosoft.com",
        "username": "admin@acmeua.onmicrosoft.com",
        "password": "Vx7#kP2q!mZ9",
        "portal_url": "http://127.0.0.1:8000/account/",
    },
}


def test_every_event_has_sample_context():
    assert sorted(SAMPLE_CONTEXT) == sorted(EVENTS)


@pytest.mark.parametrize("event", sorted(SAMPLE_CONTEXT))
def test_every_event_renders_every_channel_in_english_and_ukrainian(event):
    english = notification_render(event=event, context=SAMPLE_CONTEXT[event], language="en")
    ukrainian = notification_render(event=event, context=SAMPLE_CONTEXT[event], language="uk")
    for rendered in (english, ukrainian):
        assert rendered.subject and "\n" not in rendered.subject
        assert rendered.text.strip() and rendered.text.endswith("\n")
        assert rendered.sms and "\n" not in rendered.sms
        assert rendered.voice
        assert "{{" not in rendered.text + rendered.sms + rendered.html
        assert "%(" not in rendered.text + rendered.sms + rendered.subject
    assert (english.language, ukrainian.language) == ("en", "uk")
    assert english.subject != ukrainian.subject
    assert english.sms != ukrainian.sms
    assert english.text != ukrainian.text


def test_email_verification_code_in_english():
    rendered = notification_render(
        event="identity.email_verification_code", context=CODE, language="en"
    )
    assert rendered.subject == "Your Seatwise e-mail verification code"
    assert rendered.text == (
        "Hello,\n"
        "\n"
        "Enter this code on Seatwise to verify your e-mail address:\n"
        "\n"
        "    482913\n"
        "\n"
        "The code expires in 10 minutes.\n"
        "If you did not ask for this code, ignore this message: nothing changes without it.\n"
        "\n"
        "The Seatwise team\n"
    )
    assert rendered.sms == "Seatwise e-mail verification code: 482913. Valid for 10 min."
    assert rendered.voice == rendered.sms
    assert '<span style="display:inline-block;' in rendered.html
    assert ">482913</span>" in rendered.html
    assert '<html lang="en">' in rendered.html


def test_email_verification_code_in_ukrainian():
    rendered = notification_render(
        event="identity.email_verification_code", context=CODE, language="uk"
    )
    assert rendered.subject == "Ваш код підтвердження електронної пошти Seatwise"
    assert rendered.text == (
        "Вітаємо!\n"
        "\n"
        "Введіть цей код у Seatwise, щоб підтвердити адресу електронної пошти:\n"
        "\n"
        "    482913\n"
        "\n"
        "Код діє 10 хвилин.\n"
        "Якщо ви не запитували цей код, просто проігноруйте цей лист: без коду нічого не "
        "зміниться.\n"
        "\n"
        "Команда Seatwise\n"
    )
    assert rendered.sms == "Код підтвердження пошти Seatwise: 482913. Діє 10 хв."
    assert '<html lang="uk">' in rendered.html


@pytest.mark.parametrize(
    ("minutes", "line"),
    [
        (1, "Код діє 1 хвилину."),
        (3, "Код діє 3 хвилини."),
        (5, "Код діє 5 хвилин."),
        (11, "Код діє 11 хвилин."),
        (21, "Код діє 21 хвилину."),
    ],
)
def test_expiry_uses_ukrainian_plural_forms(minutes, line):
    rendered = notification_render(
        event="identity.sign_in_code",
        context={"code": "482913", "expires_minutes": minutes},
        language="uk",
    )
    assert line in rendered.text.splitlines()


def test_voice_call_text_reads_the_code_digit_by_digit():
    rendered = notification_render(event="identity.sign_in_code", context=CODE, language="en")
    assert rendered.voice == (
        "This is Seatwise. Your sign-in code is 4 8 2 9 1 3. Once again: 4 8 2 9 1 3."
    )
    ukrainian = notification_render(
        event="identity.phone_verification_code", context=CODE, language="uk"
    )
    assert ukrainian.voice == (
        "Це Seatwise. Ваш код підтвердження телефону: 4 8 2 9 1 3. Повторюю: 4 8 2 9 1 3."
    )


def test_invitation_in_ukrainian():
    rendered = notification_render(
        event="tenancy.invitation", context=SAMPLE_CONTEXT["tenancy.invitation"], language="uk"
    )
    assert rendered.subject == "Taras Shevchuk запрошує вас до Kyiv Cloud LLC у Seatwise"
    assert (
        "Taras Shevchuk запрошує вас приєднатися до Kyiv Cloud LLC у Seatwise з роллю "
        "«Account manager»." in rendered.text
    )
    assert "Запрошення діє 7 днів." in rendered.text
    assert "https://shop.example.com/invitations/Zx81kQ2vLm0aPq7rTt4u/" in rendered.text


def test_html_body_escapes_values_and_text_body_keeps_them():
    context = {**SAMPLE_CONTEXT["tenancy.invitation"], "inviter_name": "<b>O'Brien & Co</b>"}
    rendered = notification_render(event="tenancy.invitation", context=context, language="en")
    assert rendered.subject == "<b>O'Brien & Co</b> invited you to Kyiv Cloud LLC on Seatwise"
    assert "<b>O'Brien & Co</b> invited you to join" in rendered.text
    assert "&lt;b&gt;O&#x27;Brien &amp; Co&lt;/b&gt; invited you to join" in rendered.html
    assert "<b>O'Brien" not in rendered.html


def test_an_event_without_html_renders_an_empty_html_body():
    rendered = notification_render(event="test.ping", context={"note": "hi"}, language="en")
    assert rendered.html == ""
    assert rendered.text == (
        "This is a test message from Seatwise. If you can read it, delivery works.\n\nNote: hi\n"
    )


@pytest.mark.parametrize("event", sorted(e for e in SAMPLE_CONTEXT if e.endswith("_code")))
def test_code_text_messages_fit_one_sms_segment(event):
    english = notification_render(event=event, context=CODE, language="en")
    ukrainian = notification_render(event=event, context=CODE, language="uk")
    assert len(english.sms) <= 160  # GSM-7
    assert len(ukrainian.sms) <= 70  # UCS-2


def test_missing_context_is_refused_with_the_missing_keys():
    with pytest.raises(NotificationInputError) as caught:
        notification_render(event="identity.sign_in_code", context={"code": "1"}, language="en")
    assert caught.value.code == "notification_invalid"
    assert caught.value.details == {
        "event": "identity.sign_in_code",
        "missing": ["expires_minutes"],
    }


def test_an_unknown_event_is_refused():
    with pytest.raises(UnknownEventError) as caught:
        notification_render(event="identity.nope", context={}, language="en")
    assert caught.value.code == "notification_event_unknown"


@pytest.mark.parametrize(
    ("asked", "used"), [("en", "en"), ("uk", "uk"), ("uk-UA", "uk"), ("de", "en"), ("", "en")]
)
def test_language_falls_back_to_a_supported_one(asked, used):
    assert language_resolve(asked) == used
