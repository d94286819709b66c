"""Error pages: a clear answer in the patient's language and a way home."""

from __future__ import annotations

from flask import current_app, g, render_template
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError


def _messages():
    # Built per request so that each message is in the request's language.
    return {
        404: (_("Page not found"), _("We could not find that page.")),
        405: (_("Not allowed"), _("That action is not possible here.")),
        503: (_("Not available right now"), _("Please try again in a moment.")),
    }


def handle_http_error(error: HTTPException):
    """Any 4xx/5xx from abort() or routing: a whole page, never a traceback."""
    title, detail = _messages().get(
        error.code, (_("Something went wrong"), _("Please ask a member of staff for help."))
    )
    g.error_page = True
    body = render_template(
        "page.html", partial="partials/error.html", title=title, detail=detail, code=error.code
    )
    return body, error.code


def handle_unexpected(error: Exception):
    """An unexpected fault still gets a kind page (the traceback goes to the log)."""
    current_app.logger.exception("Unexpected error")
    return handle_http_error(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
