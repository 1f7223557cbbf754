"""Sliding-window limits per client network for public pages (registration codes, the live
domain check): how many times an action may run in a window, and how long to wait after.

The network is the client's IP (as allauth's adapter reads it, so a trusted proxy header is
honoured the same way everywhere); for IPv6 its /64, which one client can fill with
addresses. Counters live in the cache, which is Redis in production and shared by all
workers."""

from __future__ import annotations

import ipaddress
import math
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _


def client_network(request) -> str:
    ip = get_adapter(request).get_client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return ip


def rate_limit_wait(request, *, action: str, scope: str = "") -> int:
    """Count one ``action`` (a key of ``REGISTRATION_RATE_LIMITS``: count and window in
    seconds) for the client's network, or for ``scope`` when given (e.g. a user); the seconds
    to wait when the limit is reached (nothing is counted then), else 0."""
    amount, seconds = settings.REGISTRATION_RATE_LIMITS[action]
    key = f"registration:rl:{action}:{scope or client_network(request)}"
    now = time.time()
    history = [at for at in cache.get(key, []) if at > now - seconds]
    if len(history) >= amount:
        return max(1, math.ceil(min(history) + seconds - now))
    history.append(now)
    cache.set(key, history, seconds)
    return 0


def rate_limit_message(wait: int) -> str:
    if wait > 90:
        return _("Too many attempts from your network. Try again in %(minutes)d minutes.") % {
            "minutes": (wait + 59) // 60
        }
    return _("Too many attempts from your network. Try again in %(seconds)d seconds.") % {
        "seconds": wait
    }
