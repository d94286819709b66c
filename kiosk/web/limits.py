"""What the kiosk refuses before any view sees a request: a Host it is not
reached by, and a body larger than any it takes."""

from __future__ import annotations

import re

from flask import abort, current_app, request
from ..state import app_state

# The loopback names, for a kiosk whose browser runs on the same machine.
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")

# A name or IPv4 address, or a bracketed IPv6 literal, and an optional port.
_HOST = re.compile(
    r"(?P<name>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{1,5}))?",
    flags=re.ASCII | re.IGNORECASE,
)


def trusted_hosts(setting) -> frozenset[str] | None:
    """TRUSTED_HOSTS as a set of lower-case names: a list (instance config.py,
    or JSON in KIOSK_TRUSTED_HOSTS) or a string of names separated by commas
    or spaces. None or empty trusts any well-formed Host, as in Flask."""
    if isinstance(setting, str):
        setting = setting.replace(",", " ").split()
    names = frozenset(name.strip().lower() for name in setting or ())
    return names or None


def is_trusted(host: str | None, trusted: frozenset[str] | None) -> bool:
    """Whether a Host header names this kiosk: a listed name on any port, or a
    subdomain of a listed name that starts with "." (as Flask's TRUSTED_HOSTS)."""
    match = _HOST.fullmatch(host or "")
    if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
        return False
    if trusted is None:
        return True
    name = match["name"].lower()
    return name in trusted or any(
        ref.startswith(".") and (name == ref[1:] or name.endswith(ref)) for ref in trusted
    )


def refuse_unwanted_requests():
    """400 for a Host not in TRUSTED_HOSTS, 413 for a body over MAX_CONTENT_LENGTH."""
    if not is_trusted(request.headers.get("Host"), app_state().trusted_hosts):
        abort(400)
    # Flask checks MAX_CONTENT_LENGTH only when a view reads the body, and
    # the patients' pages never do: refuse it here, for every route.
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def init_app(app) -> None:
    # Werkzeug 3.1.9 cannot trust an IPv6 literal: host_is_trusted() cuts
    # every trusted name at its first ":", so "[::1]" becomes "[" and Flask
    # would refuse http://[::1]:8000/. So the kiosk checks the list itself,
    # before any view (and before routing can answer with a redirect that
    # names the Host), and Flask's own check is turned off.
    app_state(app).trusted_hosts = trusted_hosts(app.config["TRUSTED_HOSTS"])
    app.config["TRUSTED_HOSTS"] = None
    app.before_request(refuse_unwanted_requests)
