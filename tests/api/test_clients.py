"""Who the client is: the peer, or X-Forwarded-For read from the right behind trusted proxies."""

from __future__ import annotations

import pytest

from ktp_ocr.api.clients import client_address, parse_networks, rate_key

TRUSTED = parse_networks(["10.0.0.0/8", "::1"])


@pytest.mark.parametrize(
    ("peer", "xff", "expected"),
    [
        ("203.0.113.5", ["1.2.3.4"], "203.0.113.5"),  # untrusted peer: header ignored
        ("10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
        ("10.0.0.2", ["6.6.6.6, 198.51.100.7"], "198.51.100.7"),  # forged left part
        ("10.0.0.2", ["6.6.6.6", "198.51.100.7, 10.0.0.3"], "198.51.100.7"),  # proxy chain
        ("10.0.0.2", ["10.0.0.9"], "10.0.0.9"),  # all trusted: the leftmost
        ("10.0.0.2", ["garbage, 198.51.100.7"], "198.51.100.7"),
        ("10.0.0.2", ["198.51.100.7, not-an-ip"], "10.0.0.2"),  # garbage from a proxy: stop
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["198.51.100.7:5123"], "198.51.100.7"),
        ("::1", ["[2001:db8::5]:443"], "2001:db8::5"),
        ("::ffff:203.0.113.5", [], "203.0.113.5"),
        (None, [], "unknown"),
    ],
)
def test_client_address(peer: str | None, xff: list[str], expected: str) -> None:
    assert client_address(peer, xff, TRUSTED) == expected


def test_no_trusted_proxies_means_the_peer() -> None:
    assert client_address("10.0.0.2", ["198.51.100.7"], ()) == "10.0.0.2"


def test_ipv6_clients_are_limited_per_64() -> None:
    assert rate_key("2001:db8:1:2:aaaa::1") == rate_key("2001:db8:1:2:bbbb::9")
    assert rate_key("2001:db8:1:2::1") != rate_key("2001:db8:1:3::1")
    assert rate_key("203.0.113.5") == "203.0.113.5"
