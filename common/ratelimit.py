"""Hourly limits for the public forms that send mail (course alerts, the newsletter, event
registrations, counselling requests): so many per network address, and fewer per mail
address or phone number, so that nobody can fill a stranger's inbox from the portal.

Counted in the shared cache. When the cache (Redis) is down the limit is not applied and
the outage is logged: a request saved and mailed once Redis is back matters more than an
hour without a limit (issue 7).
"""

import hashlib
import ipaddress
import logging

from django.core.cache import cache
from django.http import HttpRequest

from common.clientip import client_ip

logger = logging.getLogger(__name__)

HOUR = 60 * 60


def over_limit(key: str, limit: int, *, window: int = HOUR) -> bool:
    """Count one attempt against `key`; True once more than `limit` fall in `window`."""
    try:
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
    except Exception:
        logger.warning("Rate limit not checked: the cache is unreachable.", exc_info=True)
        return False
    return count > limit


def client_key(request: HttpRequest) -> str:
    """The client's address as a limiter counts it (common.clientip, so behind the proxy
    the visitor's, not the proxy's); an IPv6 client by its /64, which one household or
    machine usually holds whole, as allauth's limits do."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address


def rate_limited(
    scope: str,
    *,
    request: HttpRequest,
    contact: str,
    per_ip: int,
    per_contact: int,
    window: int = HOUR,
) -> bool:
    """Count a submission of form `scope` from the client of `request` to `contact` (an
    address or phone number, kept in the cache only as a hash). Both counts go up, so a
    blocked address cannot be used to spare the network address its count."""
    digest = hashlib.sha256(contact.strip().lower().encode()).hexdigest()[:32]
    by_ip = over_limit(f"{scope}:ip:{client_key(request)}", per_ip, window=window)
    by_contact = over_limit(f"{scope}:to:{digest}", per_contact, window=window)
    return by_ip or by_contact
