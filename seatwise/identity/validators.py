"""Field rules of the registration form (SMART cloud guide, section 2.1)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 64
PASSWORD_MIN_CLASSES = 3

# Character classes of the policy; letters of any alphabet count by their case.
_CLASSES = (
    ("lower", str.islower, gettext_lazy("a lowercase letter")),
    ("upper", str.isupper, gettext_lazy("an uppercase letter")),
    ("digit", str.isdigit, gettext_lazy("a digit")),
    ("symbol", lambda ch: not ch.isalnum() and not ch.isspace(), gettext_lazy("a symbol")),
)

# Latin letters only; spaces, hyphens and apostrophes join parts of a name (Mary-Jane, O'Neil).
_LATIN_NAME = re.compile(r"^[A-Za-z]+(?:[ '\-][A-Za-z]+)*$")


def password_rule_text() -> list[str]:
    """The rule as the form shows it beside the field."""
    return [
        _("The password must be between %(min)d and %(max)d characters.")
        % {"min": PASSWORD_MIN_LENGTH, "max": PASSWORD_MAX_LENGTH},
        _("The password must have at least %(n)d of the following:") % {"n": PASSWORD_MIN_CLASSES},
        *[str(label) for _key, _pattern, label in _CLASSES],
    ]


def password_problems(password: str) -> list[str]:
    """Every way ``password`` breaks the policy, each explained; empty when it complies."""
    problems = []
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        problems.append(
            _("Use between %(min)d and %(max)d characters (this one has %(n)d).")
            % {"min": PASSWORD_MIN_LENGTH, "max": PASSWORD_MAX_LENGTH, "n": len(password)}
        )
    missing = [str(label) for _key, test, label in _CLASSES if not any(map(test, password))]
    if len(_CLASSES) - len(missing) < PASSWORD_MIN_CLASSES:
        problems.append(
            _("Use at least %(n)d kinds of characters; add %(missing)s.")
            % {"n": PASSWORD_MIN_CLASSES, "missing": _(" or ").join(missing)}
        )
    return problems


class SeatwisePasswordValidator:
    """Django password validator for the policy: 8–64 characters, at least 3 of lowercase,
    uppercase, digit and symbol."""

    def validate(self, password: str, user=None) -> None:
        problems = password_problems(password)
        if problems:
            raise ValidationError(problems, code="password_policy")

    def get_help_text(self) -> str:
        rule = password_rule_text()
        return " ".join([rule[0], rule[1], ", ".join(rule[2:]) + "."])


def validate_latin_name(value: str) -> None:
    """Given name, display name and surname: Latin letters only, no symbols."""
    if not _LATIN_NAME.match(value.strip()):
        raise ValidationError(
            _("Use Latin letters only (A–Z), without digits or symbols."), code="latin_only"
        )
