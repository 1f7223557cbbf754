"""Rules for ``<prefix>.onmicrosoft.com`` names and the suggestions: pure, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seatwise.connectors.domains import (
    MAX_LENGTH,
    prefix_normalize,
    prefix_validate,
    suggestion_candidates,
)
from seatwise.connectors.exceptions import InvalidTenantDomain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Contoso", "contoso"),
        ("  acme2026 ", "acme2026"),
        ("acme.onmicrosoft.com", "acme"),
        ("ACME.OnMicrosoft.com", "acme"),
    ],
)
def test_a_prefix_is_trimmed_lowered_and_loses_a_pasted_suffix(raw, expected):
    assert prefix_normalize(raw) == expected
    assert prefix_validate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a domain name."),
        ("   ", "Enter a domain name."),
        ("acme-ua", "Use Latin letters and digits only: no spaces, dots, dashes or other symbols."),
        ("acme ua", "Use Latin letters and digits only: no spaces, dots, dashes or other symbols."),
        ("acme.ua", "Use Latin letters and digits only: no spaces, dots, dashes or other symbols."),
        ("акме", "Use Latin letters and digits only: no spaces, dots, dashes or other symbols."),
        ("a", "The domain name must have 2 to 27 characters."),
        ("a" * 28, "The domain name must have 2 to 27 characters."),
    ],
)
def test_a_bad_prefix_is_refused_with_a_readable_message(raw, message):
    with pytest.raises(InvalidTenantDomain) as caught:
        prefix_validate(raw)
    assert caught.value.message == message
    assert caught.value.details == {"field": "domain"}


def test_suggestions_add_the_country_then_the_year_then_digits():
    candidates = list(suggestion_candidates(prefix="contoso", country="UA", year=2026))
    assert candidates[:5] == ["contosoua", "contoso2026", "contoso1", "contoso2", "contoso3"]


def test_suggestions_without_a_country_start_with_the_year():
    candidates = list(suggestion_candidates(prefix="contoso", country="", year=2026))
    assert candidates[:2] == ["contoso2026", "contoso1"]


def test_suggestions_of_a_long_name_are_cut_to_fit():
    prefix = "a" * MAX_LENGTH
    candidates = list(suggestion_candidates(prefix=prefix, country="ua", year=2026))
    assert candidates[0] == "a" * 25 + "ua"
    assert all(len(c) == MAX_LENGTH for c in candidates)


@given(
    prefix=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=2, max_size=27),
    country=st.sampled_from(["", "UA", "pl", "US"]),
)
def test_every_suggestion_is_itself_a_valid_distinct_prefix(prefix, country):
    candidates = list(suggestion_candidates(prefix=prefix, country=country, year=2026))
    assert prefix not in candidates
    assert len(candidates) == len(set(candidates))
    for candidate in candidates:
        assert prefix_validate(candidate) == candidate
