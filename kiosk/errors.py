"""Error pages: a clear answer in the patient's language and a way home."""

from __future__ import annotations

from flask import current_app, g, render_template
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
    body = render_template(
        "page.html", partial="partials/error.html", title=_(title),
        title_message=title, detail_message=detail, code=error.code,
    )
    return body, error.code


def handle_unexpected(error: Exception):
    """An unexpected fault still gets a kind page (the traceback goes to the log)."""
    current_app.logger.exception("Unexpected error")
    return handle_http_error(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
