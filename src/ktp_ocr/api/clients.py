"""Who the client is, for rate limiting: the peer address, or a forwarded one from a trusted proxy.

``X-Forwarded-For`` is read only when the connection comes from a configured trusted proxy,
and then from the right: each proxy appends the address it saw, so the first address that is
not itself a trusted proxy is the client. Whatever a client writes at the left of the header is
never reached while a trusted proxy stands to its right, so forging the header cannot dodge the
limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: IPv6 clients are limited per /64: one subscriber usually holds a whole /64.
IPV6_PREFIX = 64


def parse_networks(cidrs: Sequence[str]) -> tuple[IPNetwork, ...]:
    """Parse ``["10.0.0.0/8", "127.0.0.1"]``; raises ValueError on a malformed entry."""
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())


def _address(text: str) -> IPAddress | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[IPNetwork]
) -> str:
    """The client's address as text.

    Args:
        peer: The connecting address (``request.client.host``), None for in-process tests.
        forwarded_for: Every ``X-Forwarded-For`` header value, in order.
        trusted: Networks of the proxies allowed to say who the client is.
    """
    current = _address(peer) if peer else None
    if current is None:
        return peer or "unknown"
    if not trusted or not _trusted(current, trusted):
        return str(current)
    hops = [h for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage: stop at the last address a trusted proxy vouched for
            break
        current = address
        if not _trusted(address, trusted):
            break
    return str(current)


def rate_key(address: str) -> str:
    """The rate-limit key for an address: itself, or its /64 for IPv6."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)
