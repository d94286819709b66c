"""Headers on every answer: a strict Content-Security-Policy, and no page a
patient read kept on the kiosk's disk."""

from __future__ import annotations

# Everything the kiosk shows comes from itself: scripts and styles from
# /static and /vendor (no inline script, style element or style attribute;
# htmx is configured by <meta name="htmx-config"> and ships no indicator
# styles), fonts from /vendor and /fonts, clips from /audio. The take-home QR
# code is an inline <svg> element, not an image URL, so img-src needs no data:.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "img-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_headers(response):
    """The security headers (unless a view set its own), and no-store on HTML."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # Pages, fragments and error pages say what a patient was reading, and the
    # next patient uses the same browser: keep none of them in its cache.
    # Clips, /static and /vendor keep their long caching, and /fonts revalidates
    # with its ETag (kiosk/fonts/__init__.py); they are the same for everyone.
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    app.after_request(add_headers)
