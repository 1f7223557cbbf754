"""Text helpers."""

from django.utils.text import slugify

# Ukrainian national transliteration (2010), enough for readable slugs.
_UK = dict(
    zip(
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэёъ",
        [
            "a",
            "b",
            "v",
            "h",
            "g",
            "d",
            "e",
            "ie",
            "zh",
            "z",
            "y",
            "i",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "iu",
            "ia",
            "y",
            "e",
            "e",
            "_",
        ],
        strict=True,
    )
)


def transliterate(text: str) -> str:
    out = []
    for char in text:
        lower = char.lower()
        if lower in _UK:
            value = "" if _UK[lower] == "_" else _UK[lower]
            out.append(value.capitalize() if char != lower else value)
        else:
            out.append(char)
    return "".join(out)


def slug_from(text: str, *, max_length: int = 70) -> str:
    """A Latin slug for Latin or Cyrillic text."""
    return slugify(transliterate(text))[:max_length].strip("-")
