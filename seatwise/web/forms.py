"""Shape validation of storefront input. Bad input becomes a ``ValidationError`` with a
message the visitor can read; nothing here decides prices or access."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from seatwise.catalog.selectors import DEFAULT_PRODUCT_SORT, PRODUCT_SORTS
from seatwise.core.errors import ValidationError
from seatwise.core.pagination import PAGE_SIZES, PageRequest, parse_page

DEFAULT_PAGE_SIZE = 24
MAX_PAGE = 100_000

SORT_LABELS = {
    "name": _("Name: A to Z"),
    "-name": _("Name: Z to A"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
}
SORT_CHOICES = [(key, SORT_LABELS.get(key, key)) for key in PRODUCT_SORTS]
PAGE_SIZE_CHOICES = [(size, str(size)) for size in PAGE_SIZES]


class ProductListForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    sort = forms.ChoiceField(
        required=False,
        choices=SORT_CHOICES,
        error_messages={
            "invalid_choice": _("Unknown sort order “%(value)s”. Choose one of: %(choices)s.")
        },
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("The page number must be a whole number, 1 or more."),
            "min_value": _("The page number must be a whole number, 1 or more."),
            "max_value": _("The page number is too large."),
        },
    )
    page_size = forms.TypedChoiceField(
        required=False,
        coerce=int,
        choices=PAGE_SIZE_CHOICES,
        empty_value=None,
        error_messages={
            "invalid_choice": _(
                "%(value)s products per page is not offered. Choose one of: %(choices)s."
            )
        },
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()


@dataclass(frozen=True)
class ListQuery:
    search: str
    sort: str
    page_request: PageRequest

    @property
    def page_size(self) -> int:
        return self.page_request.page_size


def parse_list_query(data) -> ListQuery:
    """Read ``q``, ``sort``, ``page`` and ``page_size``; raise ``ValidationError`` on bad input."""
    form = ProductListForm(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.as_data().items()))
        error = errors[0]
        params = dict(error.params or {})
        if field == "sort":
            params["choices"] = ", ".join(PRODUCT_SORTS)
        elif field == "page_size":
            params["choices"] = ", ".join(str(size) for size in PAGE_SIZES)
        message = error.message % params if params else error.message
        raise ValidationError(str(message), details={"field": field})
    cleaned = form.cleaned_data
    return ListQuery(
        search=cleaned["q"],
        sort=cleaned["sort"] or DEFAULT_PRODUCT_SORT,
        page_request=parse_page(
            cleaned["page"], cleaned["page_size"], default_size=DEFAULT_PAGE_SIZE
        ),
    )


class CurrencyForm(forms.Form):
    currency = forms.CharField(max_length=3)
    next = forms.CharField(required=False, max_length=2000)

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        allowed = settings.SEATWISE_CURRENCIES
        if code not in allowed:
            raise forms.ValidationError(
                _("Unknown currency “%(code)s”. Choose one of: %(choices)s."),
                params={"code": code, "choices": ", ".join(allowed)},
            )
        return code


class InvitationForm(forms.Form):
    """The Users page's invite form: shape only. Whether the organization may be invited
    into, and by whom, is decided by ``tenancy``."""

    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)

    def __init__(self, *args, organizations=(), **kwargs):
        from seatwise.tenancy.enums import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
