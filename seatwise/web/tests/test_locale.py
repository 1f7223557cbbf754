"""The Ukrainian catalogue is complete, and the committed .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.conf import settings

LC_MESSAGES = Path(settings.BASE_DIR) / "seatwise" / "locale" / "uk" / "LC_MESSAGES"


def _po_entries(path: Path) -> list[dict]:
    """A small .po reader: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags."""
    entries, current, key = [], {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = _po_entries(LC_MESSAGES / "django.po")

    untranslated = [
        e["msgid"]
        for e in entries
        if not e.get("msgstr") and not all(e.get(f"msgstr[{n}]") for n in range(4))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")]
    assert len(entries) > 200
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_holds_every_translation_of_the_po_file():
    with (LC_MESSAGES / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog

    stale = []
    for entry in _po_entries(LC_MESSAGES / "django.po"):
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            expected = {(msgid, n): entry[f"msgstr[{n}]"] for n in range(4)}
        else:
            expected = {msgid: entry["msgstr"]}
        stale += [key for key, value in expected.items() if catalog.get(key) != value]
    assert stale == [], "run: .venv/bin/python manage.py compilemessages --ignore=.venv"
