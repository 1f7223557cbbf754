"""The ``Idempotency-Key`` header of the mutating API endpoints (POST, PUT, PATCH, DELETE).

A client that may repeat a request (a timeout, a retry after a network error, a double
click) sends a key of its choosing, at most 255 printable characters, unique per request it
means. ``@idempotent(...)`` on an endpoint then keeps, per user and key, the request's method,
path, organization and fingerprint (the SHA-256 of its JSON body, keys sorted) and the answer
it got:

- the same key with the same request again: the stored answer is replayed (same body; a
  ``201 Created`` comes back as ``200 OK`` since nothing is created this time) with the
  header ``Idempotent-Replayed: true``; the endpoint does not run again;
- the same key with another body, path, method or organization: ``422``
  ``idempotency_key_reused``;
- the same key while the first request still runs: ``409`` ``idempotency_in_progress``
  (with ``Retry-After``); a claim left behind by a process that died is taken over after
  ``STALE_AFTER``;
- answers ``2xx``, ``3xx`` and ``4xx`` are stored; a ``5xx`` (or an unexpected exception)
  is not, so a retry with the same key runs the endpoint again;
- no key: the endpoint runs as usual (unless it is ``required``: ``400``
  ``idempotency_key_required``).

Records live ``RETENTION`` (24 hours); ``idempotency_prune`` (a periodic task) deletes older
ones, and an older record still present is ignored.

The claim is written in its own short transaction before the endpoint runs, so a second
request with the same key sees it at once; the endpoint's own transaction is separate.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import json
from collections.abc import Callable
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from seatwise.core import clock
from seatwise.core.errors import ApplicationError, ConflictError, ValidationError
from seatwise.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
RETENTION = dt.timedelta(hours=24)
STALE_AFTER = dt.timedelta(minutes=2)
RETRY_AFTER_SECONDS = 1

# Declare it on an endpoint so that the OpenAPI document shows the header; the decorator
# reads and checks it.
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        description=(
            "Your unique key for this request (at most 255 characters). The same key with "
            "the same request replays the first answer (`Idempotent-Replayed: true`); with "
            "another request it is a 422 `idempotency_key_reused`. Kept 24 hours."
        ),
    ),
]


class IdempotencyKeyInvalid(ValidationError):
    code = "idempotency_key_invalid"


class IdempotencyKeyRequired(ValidationError):
    code = "idempotency_key_required"


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    status = 422


class IdempotencyInProgress(ConflictError):
    code = "idempotency_in_progress"


# --- the pieces -----------------------------------------------------------------------------


def idempotency_key_read(request: HttpRequest, *, required: bool = False) -> str | None:
    """The request's key (surrounding spaces removed), None when absent; raises
    ``IdempotencyKeyInvalid`` for an empty, too long or non-printable key."""
    raw = request.headers.get(HEADER)
    if raw is None:
        if required:
            raise IdempotencyKeyRequired(
                f"Send an {HEADER} header with this request.", details={"header": HEADER}
            )
        return None
    key = raw.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not all(" " <= c <= "~" for c in key):
        raise IdempotencyKeyInvalid(
            f"{HEADER} must be 1 to {KEY_MAX_LENGTH} printable ASCII characters.",
            details={"header": HEADER, "max_length": KEY_MAX_LENGTH},
        )
    return key


def request_fingerprint(*, body: bytes) -> str:
    """SHA-256 of the body; a JSON body is compared by content (keys sorted, no spaces)."""
    try:
        canonical = json.dumps(
            json.loads(body or b"null"), sort_keys=True, separators=(",", ":")
        ).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = bytes(body or b"")
    return hashlib.sha256(canonical).hexdigest()


def idempotency_claim(
    *, user, organization, key: str, method: str, path: str, fingerprint: str
) -> tuple[IdempotencyRecord, bool]:
    """Claim ``key`` for this request: ``(record, False)`` when the caller must run the
    endpoint and then ``idempotency_complete`` (or ``idempotency_release``) the record;
    ``(record, True)`` when the record holds the answer to replay. Raises
    ``IdempotencyKeyReused`` or ``IdempotencyInProgress``."""
    organization_id = getattr(organization, "pk", None)
    for _attempt in range(3):
        now = clock.now()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user,
                    organization_id=organization_id,
                    key=key,
                    method=method,
                    path=path[:500],
                    fingerprint=fingerprint,
                    locked_at=now,
                    created_at=now,
                )
            return record, False
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # released meanwhile: claim again
        if existing.created_at < now - RETENTION:
            IdempotencyRecord.objects.filter(pk=existing.pk).delete()
            continue
        if (existing.method, existing.path, existing.fingerprint, existing.organization_id) != (
            method,
            path[:500],
            fingerprint,
            organization_id,
        ):
            raise IdempotencyKeyReused(
                f"This {HEADER} was used for another request; use a new key.",
                details={"header": HEADER, "method": existing.method, "path": existing.path},
            )
        if existing.response_status is not None:
            return existing, True
        if existing.locked_at > now - STALE_AFTER:
            break
        taken = IdempotencyRecord.objects.filter(
            pk=existing.pk, response_status__isnull=True, locked_at=existing.locked_at
        ).update(locked_at=now)
        if taken:
            existing.locked_at = now
            return existing, False
    raise IdempotencyInProgress(
        f"A request with this {HEADER} is still being processed; retry shortly.",
        details={"header": HEADER, "retry_after": RETRY_AFTER_SECONDS},
    )


def idempotency_complete(*, record: IdempotencyRecord, status: int, body: Any) -> None:
    """Store the answer of the claimed request (``status`` < 500) for replays."""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=status, response_body=body
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Forget the claim (the request failed on our side): a retry runs again."""
    IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def idempotency_prune(*, older_than: dt.timedelta = RETENTION) -> int:
    """Delete the records older than ``older_than``; returns how many were deleted."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=clock.now() - older_than
    ).delete()
    return deleted


# --- the decorator --------------------------------------------------------------------------


def _json_response(status: int, body: Any) -> HttpResponse:
    if status == 204 or body is None:
        return HttpResponse(status=status)
    return JsonResponse(body, status=status, safe=False, encoder=NinjaJSONEncoder)


def _jsonable(body: Any) -> Any:
    """``body`` as ninja itself renders an answer (a model's Python dump through its JSON
    encoder), so that a POST shows a resource exactly as its GET does (e.g. timestamps to
    the millisecond, not pydantic's microseconds)."""
    if isinstance(body, BaseModel):
        body = body.model_dump()
    return json.loads(json.dumps(body, cls=NinjaJSONEncoder))


def _response_of(result: Any) -> HttpResponse:
    """The endpoint's return value (an ``HttpResponse``, ``(status, body)`` or a body) as
    the JSON response the client gets."""
    if isinstance(result, HttpResponse):
        return result
    status, body = result if isinstance(result, tuple) else (200, result)
    return _json_response(status, _jsonable(body) if body is not None else None)


def _stored_body(response: HttpResponse) -> Any:
    if not response.content or "json" not in response.get("Content-Type", ""):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def idempotency_replay(*, record: IdempotencyRecord) -> HttpResponse:
    status = 200 if record.response_status == 201 else record.response_status
    response = _json_response(status, record.response_body)
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(
    view: Callable | None = None,
    *,
    organization: Callable[[HttpRequest], Any] | None = None,
    required: bool = False,
):
    """Honour ``Idempotency-Key`` on an API endpoint (see the module's doc). Put it under
    the router's decorator; ``organization(request)`` names the organization the caller
    acts for (recorded and compared). The endpoint returns a body, ``(status, body)`` (a
    pydantic model or JSON-able data) or an ``HttpResponse``; it finds the key in
    ``request.idempotency_key``."""
    if view is None:
        return lambda view: idempotent(view, organization=organization, required=required)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = idempotency_key_read(request, required=required)
        request.idempotency_key = key
        user = getattr(request, "user", None)
        if key is None or not getattr(user, "is_authenticated", False):
            return _response_of(view(request, *args, **kwargs))
        try:
            record, replay = idempotency_claim(
                user=user,
                organization=organization(request) if organization is not None else None,
                key=key,
                method=request.method,
                path=request.get_full_path(),
                fingerprint=request_fingerprint(body=request.body),
            )
        except IdempotencyInProgress as exc:
            response = JsonResponse(exc.as_dict(), status=exc.status)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if replay:
            return idempotency_replay(record=record)
        try:
            response = _response_of(view(request, *args, **kwargs))
        except ApplicationError as exc:
            if exc.status < 500:
                idempotency_complete(record=record, status=exc.status, body=exc.as_dict())
            else:
                idempotency_release(record=record)
            raise
        except BaseException:
            idempotency_release(record=record)
            raise
        if response.status_code < 500:
            idempotency_complete(
                record=record, status=response.status_code, body=_stored_body(response)
            )
        else:
            idempotency_release(record=record)
        return response

    # django-ninja reads the parameters from the signature; the endpoint's module may use
    # ``from __future__ import annotations``, whose names only resolve in that module.
    wrapped.__signature__ = inspect.signature(view, eval_str=True)
    return wrapped
