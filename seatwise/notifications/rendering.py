"""Render a notification event in one language: e-mail subject, text and HTML bodies, SMS
and voice text. Templates are in ``templates/notifications/<event>/`` (see ``registry``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from seatwise.notifications.exceptions import NotificationInputError
from seatwise.notifications.registry import event_get

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class RenderedNotification:
    event: str
    language: str
    subject: str
    text: str
    html: str  # "" when the event has no HTML body
    sms: str
    voice: str
    secrets: tuple[str, ...] = field(default=(), repr=False)  # values to mask in the log


def language_resolve(language: str | None) -> str:
    """A language Seatwise speaks: ``uk-UA`` -> ``uk``; an unknown one -> the default."""
    try:
        return translation.get_supported_language_variant(language or "")
    except LookupError:
        return settings.LANGUAGE_CODE


def _spoken(code: Any) -> str:
    """``123456`` -> ``1 2 3 4 5 6``: a voice reads digits one by one."""
    return " ".join(str(code).replace(" ", ""))


def _text(rendered: str) -> str:
    lines = [line.rstrip() for line in rendered.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)) + "\n"


def _line(rendered: str) -> str:
    return " ".join(rendered.split())


def _optional(template: str, context: dict[str, Any]) -> str | None:
    try:
        loaded = get_template(template)
    except TemplateDoesNotExist:
        return None
    return loaded.render(context)


def notification_render(
    *, event: str, context: Mapping[str, Any], language: str = "en"
) -> RenderedNotification:
    """Every channel's text of ``event`` in ``language``; refuses a missing context key."""
    definition = event_get(event)
    missing = [key for key in definition.context if key not in context]
    if missing:
        raise NotificationInputError(
            f"Missing context for {event}: {', '.join(missing)}.",
            details={"event": event, "missing": missing},
        )
    language = language_resolve(language)
    values = dict(context)
    if "code" in values:
        values["code_spoken"] = _spoken(values["code"])
    folder = definition.template_dir
    with translation.override(language):
        subject = _line(render_to_string(f"{folder}/subject.txt", values))
        text = _text(render_to_string(f"{folder}/body.txt", values))
        html = (_optional(f"{folder}/body.html", values) or "").strip()
        sms = _line(render_to_string(f"{folder}/sms.txt", values))
        voice = _line(_optional(f"{folder}/voice.txt", values) or sms)
    secrets = [str(values[key]) for key in definition.secrets if values.get(key) is not None]
    if "code" in definition.secrets:
        secrets.append(values["code_spoken"])
    return RenderedNotification(
        event=event,
        language=language,
        subject=subject,
        text=text,
        html=html,
        sms=sms,
        voice=voice,
        secrets=tuple(secrets),
    )
