import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Latin or Cyrillic letters (including Ukrainian і ї є ґ), digits, spaces and the punctuation
# found in company names: quotes, dots, commas, dashes, ampersands, slashes, parentheses.
_COMPANY_NAME = re.compile(r"^[A-Za-z\u0400-\u04FF0-9 .,'\"«»&()/\-\u2019+#№]+$")


def validate_company_name(value: str) -> None:
    if not value.strip():
        raise ValidationError(_("Enter the company's legal name."), code="required")
    if not _COMPANY_NAME.match(value):
        raise ValidationError(
            _("Use Latin or Cyrillic letters, digits and ordinary punctuation only."),
            code="invalid_company_name",
        )
