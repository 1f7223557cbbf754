from seatwise.core.errors import ApplicationError, ValidationError


class CodeInvalid(ValidationError):
    """Wrong, expired, used or unknown: one message, so that nothing is revealed."""

    code = "code_invalid"


class CodeAttemptsExhausted(ValidationError):
    code = "code_attempts_exhausted"


class RateLimited(ApplicationError):
    code = "rate_limited"
    status = 429


class ProfileInvalid(ValidationError):
    """One or more name fields break the rules; ``details["fields"]`` maps each to its
    message."""

    code = "profile_invalid"


class PhoneInvalid(ValidationError):
    code = "phone_invalid"


class PhoneUnchanged(ValidationError):
    code = "phone_unchanged"
