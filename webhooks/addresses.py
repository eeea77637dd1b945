"""Where a webhook may send: http(s) URLs whose host resolves to public addresses only, unless
the host is listed in WEBHOOK_ALLOWED_HOSTS. A webhook must not become a way for a workspace
admin to reach the internal network (metadata services, databases, the admin on loopback).
The check runs when a URL is saved and again before every attempt, since DNS can change."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = {"http": 80, "https": 443}


class AddressRefused(ValueError):
    """The URL may not be sent to; the message says why, for the person who gave it."""


@dataclass(frozen=True)
class Target:
    """A checked URL: its parts, and the address the connection is pinned to."""

    scheme: str
    host: str
    port: int
    path: str  # with its query
    address: str


def address_refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not public (private, loopback, …), or None for a public one.
    An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it maps."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # Most specific first: a link-local or unspecified address is "private" too.
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:  # shared address space (100.64.0.0/10) and the like
        return "non-public"
    return None


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def host_allowed(host: str) -> bool:
    """Whether the operators listed the host (WEBHOOK_ALLOWED_HOSTS) as reachable whatever its address."""
    return host.lower() in {allowed.lower() for allowed in settings.WEBHOOK_ALLOWED_HOSTS}


def url_target(url: str) -> Target:
    """The URL checked and resolved: AddressRefused for another scheme, no host, a name that
    does not resolve, or any of its addresses not public (unless the host is allowed)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise AddressRefused("Only http and https URLs can receive webhooks.")
    host = parts.hostname
    if not host:
        raise AddressRefused("The URL has no host.")
    if parts.username or parts.password:
        raise AddressRefused("The URL may not carry a user name or password; the signature authenticates Folio.")
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise AddressRefused("The URL's port is not a number from 1 to 65535.") from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(f"The host “{host}” does not resolve to an address.") from None
    addresses = list(dict.fromkeys(str(entry[4][0]) for entry in found))
    if not host_allowed(host):
        for address in addresses:
            refusal = address_refusal(ipaddress.ip_address(address.split("%", 1)[0]))
            if refusal is not None:
                raise AddressRefused(
                    f"The host “{host}” resolves to {address}, {_article(refusal)} {refusal} address; webhooks go"
                    " to public addresses only, unless the operators list the host in WEBHOOK_ALLOWED_HOSTS."
                )
    path = parts.path or "/"
    return Target(
        scheme=scheme,
        host=host,
        port=port,
        path=f"{path}?{parts.query}" if parts.query else path,
        address=addresses[0],
    )
