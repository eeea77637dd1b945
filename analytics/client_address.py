"""The client's address, computed one way for the throttles, the login lock-out and the
request log: the socket's peer, unless the settings name the proxies in front of Folio.

`X-Forwarded-For` is written by whoever sends the request, so an address in it is believed
only when a proxy Folio trusts appended it: TRUSTED_PROXIES (networks, walked from the
socket back) or NUM_PROXIES (how many proxies every request passes, e.g. 1 behind an AWS
Application Load Balancer, which appends the address it received the request from).
DRF's own get_ident believes the whole header when NUM_PROXIES is unset, which let one
client rotate the header to pass any throttle.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# An IPv6 client usually holds a whole /64 and can pick any address in it: throttles
# count the /64, as they count one IPv4 address.
IPV6_THROTTLE_PREFIX = 64


def client_address(request: HttpRequest | Request) -> str:
    """The address of the client that sent the request, as far as trusted proxies vouch."""
    meta = request.META
    peer = meta.get("REMOTE_ADDR", "") or ""
    forwarded = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if settings.TRUSTED_PROXIES:
        networks = _networks(tuple(settings.TRUSTED_PROXIES))
        client = peer
        # From the socket back: each trusted hop vouches for the address it received from.
        for hop in reversed([*forwarded, peer]):
            address = _address(hop)
            if address is None:  # not an address: nothing before it is believed either
                break
            client = str(address)
            if not any(address in network for network in networks):
                break
        return client
    if settings.NUM_PROXIES and forwarded:
        return forwarded[-min(settings.NUM_PROXIES, len(forwarded))]
    return peer


def address_throttle_key(address: str) -> str:
    """What throttles count an address as: itself, or its /64 for IPv6."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_THROTTLE_PREFIX}", strict=False))
    return address


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@lru_cache(maxsize=4)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)
