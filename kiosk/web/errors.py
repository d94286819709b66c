"""Error pages: a clear answer in the patient's language and a way home."""

from __future__ import annotations

import traceback

from flask import current_app, g, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError


def N_(message: str) -> str:
    """Marks a message for extraction; the page translates (and speaks) it."""
    return message


MESSAGES = {
    404: (N_("Page not found"), N_("We could not find that page.")),
    405: (N_("Not allowed"), N_("That action is not possible here.")),
    503: (N_("Not available right now"), N_("Please try again in a moment.")),
}
OTHER = (N_("Something went wrong"), N_("Please ask a member of staff for help."))


def handle_http_error(error: HTTPException):
    """Any 4xx/5xx from abort() or routing: a whole page, never a traceback."""
    title, detail = MESSAGES.get(error.code, OTHER)
    g.error_page = True
    _bind_urls_without_host()
    body = render_template(
        "page.html", partial="partials/error.html", title=_(title),
        title_message=title, detail_message=detail, code=error.code,
    )
    # Keep what the exception says about the answer (Allow on a 405,
    # Content-Range on a 416, Retry-After on a 503), not its Content-Type.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    return body, error.code, headers


def _bind_urls_without_host() -> None:
    """A Host that cannot be bound (a..b, a label over 63 characters) leaves
    the request with no URL adapter, and url_for in the page would fail.
    Bind one to no host at all: the page's links are relative, so nothing of
    the bad Host reaches the page or a header."""
    if request_ctx.url_adapter is None:
        request_ctx.url_adapter = current_app.url_map.bind(
            "", script_name=request.script_root or None, url_scheme=request.scheme,
        )


def handle_unexpected(error: Exception):
    """An unexpected fault still gets a kind page; the log gets where it happened.

    Only the view's name and the code's traceback are logged: the address
    and the exception's message can say what a patient was reading.
    """
    current_app.logger.error(
        "Unexpected %s in %s\n%s", type(error).__name__, request.endpoint,
        "".join(traceback.format_tb(error.__traceback__)).rstrip(),
    )
    return handle_http_error(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
