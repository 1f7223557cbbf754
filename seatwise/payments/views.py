"""LiqPay's server callback: form fields ``data`` and ``signature``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from seatwise.payments.exceptions import CallbackOrphan, CallbackRejected
from seatwise.payments.services import payment_callback_handle


@csrf_exempt
@require_POST
def liqpay_callback(request: HttpRequest) -> HttpResponse:
    """200 once the callback is applied (or was already); 400 with no detail when it is
    refused. An orphan (signed, unknown order id) gets 200 so that LiqPay stops retrying;
    it is logged as an error."""
    data = request.POST.get("data", "")
    signature = request.POST.get("signature", "")
    try:
        payment_callback_handle(data=data, signature=signature)
    except CallbackOrphan:
        return HttpResponse("ok", content_type="text/plain")
    except CallbackRejected:
        return HttpResponseBadRequest("rejected", content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
