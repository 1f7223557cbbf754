import datetime as dt

import pytest
import time_machine

from seatwise.identity.codes import (
    CODE_TTL,
    MAX_ATTEMPTS,
    verification_code_check,
    verification_code_issue,
)
from seatwise.identity.exceptions import CodeAttemptsExhausted, CodeInvalid, RateLimited
from seatwise.identity.models import CodePurpose, VerificationCode

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
EMAIL = CodePurpose.EMAIL_VERIFICATION


def _issue(target="olga@example.com", purpose=EMAIL, at=START):
    with time_machine.travel(at, tick=False):
        return verification_code_issue(purpose=purpose, target=target)


def _check(code, target="olga@example.com", purpose=EMAIL, at=START):
    with time_machine.travel(at, tick=False):
        return verification_code_check(purpose=purpose, target=target, code=code)


def test_a_code_is_six_digits_stored_only_as_a_hash():
    issued = _issue()
    assert len(issued.code) == 6 and issued.code.isdigit()
    row = VerificationCode.objects.get()
    assert issued.code not in row.code_hash
    assert row.expires_at == START + CODE_TTL
    assert issued.resend_after == START + dt.timedelta(seconds=60)


def test_the_right_code_checks_once_and_the_target_is_case_insensitive():
    issued = _issue("Olga@Example.com")
    row = _check(issued.code, "olga@example.com")
    assert row.used_at == START
    with pytest.raises(CodeInvalid):
        _check(issued.code)  # reused


def test_an_expired_code_is_refused():
    issued = _issue()
    with pytest.raises(CodeInvalid):
        _check(issued.code, at=START + CODE_TTL + dt.timedelta(seconds=1))
    assert VerificationCode.objects.get().used_at is None


def test_a_code_for_another_target_or_purpose_is_refused():
    issued = _issue()
    _issue("other@example.com")
    with pytest.raises(CodeInvalid):
        _check(issued.code, "other@example.com")
    with pytest.raises(CodeInvalid):
        _check(issued.code, purpose=CodePurpose.PASSWORD_RESET_EMAIL)
    assert _check(issued.code).used_at == START  # still good for its own target


def test_wrong_codes_count_attempts_and_then_kill_the_code():
    issued = _issue()
    wrong = "000000" if issued.code != "000000" else "111111"
    for left in range(MAX_ATTEMPTS - 1, 0, -1):
        with pytest.raises(CodeInvalid) as exc:
            _check(wrong)
        assert exc.value.details == {"attempts_left": left}
    with pytest.raises(CodeAttemptsExhausted):
        _check(wrong)
    assert VerificationCode.objects.get().attempts == MAX_ATTEMPTS
    with pytest.raises(CodeAttemptsExhausted):
        _check(issued.code)  # even the right code is dead now
    assert VerificationCode.objects.get().used_at is None


def test_a_new_code_waits_for_the_cooldown_and_replaces_the_old_one():
    first = _issue()
    with pytest.raises(RateLimited) as exc:
        _issue(at=START + dt.timedelta(seconds=20))
    assert exc.value.details == {"retry_after": 41}
    assert exc.value.status == 429
    second = _issue(at=START + dt.timedelta(seconds=61))
    if first.code != second.code:
        with pytest.raises(CodeInvalid):
            _check(first.code, at=START + dt.timedelta(seconds=62))
    assert _check(second.code, at=START + dt.timedelta(seconds=62))


def test_after_a_used_code_a_new_one_needs_no_cooldown():
    first = _issue()
    assert _check(first.code, at=START + dt.timedelta(seconds=10))
    second = _issue(at=START + dt.timedelta(seconds=20))  # e.g. signing in again at once
    assert _check(second.code, at=START + dt.timedelta(seconds=21))


def test_at_most_five_codes_an_hour():
    for n in range(5):
        _issue(at=START + dt.timedelta(minutes=2 * n))
    with pytest.raises(RateLimited) as exc:
        _issue(at=START + dt.timedelta(minutes=10))
    assert "Try again in 50 minutes" in exc.value.message
    assert VerificationCode.objects.count() == 5
    _issue(at=START + dt.timedelta(minutes=61))
