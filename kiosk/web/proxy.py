"""A TLS proxy in front of the kiosk (nginx on the same machine, say): which of its
X-Forwarded-* headers to believe, and cookies that are Secure whenever the browser's
connection was HTTPS.

PROXY_COUNT is how many proxies stand in front of `kiosk serve`, 0 (the default) for none.
Only when it is set is the app wrapped in werkzeug's ProxyFix, which takes the client's
address and the scheme (X-Forwarded-For, X-Forwarded-Proto) from that many proxies, counted
from the kiosk outwards, and ignores anything further out. Without it those headers are
ignored: any client could send them, and would then choose the address its wrong PINs are
counted against (kiosk/staff/views.py) or the one the log names. The Host header is never
taken from X-Forwarded-Host: the proxy passes the browser's own (`proxy_set_header Host
$host`), and TRUSTED_HOSTS still checks it.
"""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure when the request came over HTTPS.

    Not SESSION_COOKIE_SECURE = True for every answer: the kiosk's own browser reaches it at
    http://localhost:8000 beside the proxy, and a browser drops a Secure cookie sent over
    plain HTTP to any host but localhost, so a reception PC on http:// would never log in.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def proxy_count(setting) -> int:
    """PROXY_COUNT as a number of proxies (0 when unset); anything else stops start-up."""
    if setting is None:
        return 0
    if isinstance(setting, str) and setting.strip().isdigit():
        setting = int(setting)
    if isinstance(setting, bool) or not isinstance(setting, int) or setting < 0:
        raise ValueError(f"PROXY_COUNT is how many proxies are in front of the kiosk (0 or more), not {setting!r}")
    return setting


def init_app(app: Flask) -> None:
    count = proxy_count(app.config.get("PROXY_COUNT"))
    app.config["PROXY_COUNT"] = count
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    app.session_interface = SessionInterface()
