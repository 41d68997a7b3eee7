"""The client's network address, the one every limiter, allauth's rate limits and the
access log use (issue 17).

Behind the reverse proxy every request comes from the proxy's address, so REMOTE_ADDR
alone would put all visitors into one bucket: one person's failed logins would lock
everyone out. The proxy appends the address it saw to X-Forwarded-For; a client can send
that header too, with whatever it likes in front. So the header is read from the right,
one entry per proxy we run (TRUSTED_PROXY_COUNT), and never further: whatever a client
wrote sits to the left of what our proxies appended and is never read. With
TRUSTED_PROXY_NETWORKS set, a hop is believed only when it comes from those networks, so
a request that reaches the application port directly cannot choose its own address.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# Where the address is kept for the access log (gunicorn.conf.py) and for later calls.
ENVIRON_KEY = "BEWEQO_CLIENT_IP"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(raw: str) -> str | None:
    """A normalised address from one hop: "203.0.113.7", "203.0.113.7:443",
    "[2001:db8::1]:443" or "2001:db8::1"; None for anything else (e.g. "unknown")."""
    value = raw.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXY_NETWORKS", ())))


def _is_trusted_hop(address: str, networks: tuple[Network, ...]) -> bool:
    if not networks:
        return True  # only the count limits how far the header is read
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in networks)


def client_address(remote_addr: str, forwarded_for: str, *, proxies: int, networks=()) -> str:
    """The client's address from the connection's peer and the X-Forwarded-For header,
    given how many proxies of ours stand in front (and optionally where they are).

    Each trusted proxy, nearest first, vouches for the hop to its left; the walk stops at
    the first hop that is not a trusted proxy, or when the header runs out (a request that
    passed fewer proxies than configured)."""
    current = parse_address(remote_addr) or ""
    if proxies <= 0 or not current or not forwarded_for:
        return current
    hops = [parse_address(item) for item in forwarded_for.split(",")]
    for _ in range(proxies):
        if not hops or not _is_trusted_hop(current, networks):
            break
        previous = hops.pop()
        if previous is None:
            # Our proxies write addresses; this hop is garbage, so the count is wrong.
            logger.warning("X-Forwarded-For has an unreadable entry; check TRUSTED_PROXY_COUNT.")
            break
        current = previous
    return current


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request` (see the module docstring); an empty
    string only when the server gave no peer address at all."""
    cached = request.META.get(ENVIRON_KEY)
    if cached is not None:
        return cached
    address = client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        proxies=getattr(settings, "TRUSTED_PROXY_COUNT", 0),
        networks=trusted_networks(),
    )
    request.META[ENVIRON_KEY] = address
    return address
