"""Loopback only: the studio shows every account, so only this machine may reach it."""

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str) -> bool:
    """Tell whether a host name or address reaches this machine only.

    ``localhost``, 127.0.0.0/8 and ::1 qualify; any other name could resolve
    (or be pointed by DNS) somewhere else, so it does not.
    """
    name = host.strip().removeprefix("[").removesuffix("]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_header_is_loopback(host_header: str) -> bool:
    """Tell whether a request's ``Host`` (``name:port``) names this machine.

    A web page can point its own domain at 127.0.0.1 (DNS rebinding) and then
    read a loopback server as itself; such requests carry that domain in
    ``Host``, so only loopback names are answered.
    """
    try:
        hostname = urlsplit(f"//{host_header}").hostname
    except ValueError:
        return False
    return hostname is not None and is_loopback_host(hostname)
