"""What the kiosk's log may say: how the kiosk is doing, never what a
patient read. There is no access log (waitress keeps none, and nothing here
adds one); the messages below are the ones that would still say too much."""

from __future__ import annotations

import logging


class WithoutPaths(logging.Filter):
    """Waitress names the request's path when a client goes away mid-answer
    ("Client disconnected while serving /es/…") or an exception escapes the
    app; the path names the leaflet and section a patient was reading."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if " while serving " in message:
            record.msg = message.partition(" while serving ")[0] + " while serving a request"
            record.args = ()
        return True


WITHOUT_PATHS = WithoutPaths()


def quiet_waitress() -> None:
    """Keep paths and queue chatter out of waitress's log (once per process)."""
    # "Task queue depth is N" comes whenever a page and its clips arrive
    # together and all threads are busy for a moment: normal for the kiosk,
    # and said at WARNING, so it would drown what matters.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    logging.getLogger("waitress").addFilter(WITHOUT_PATHS)
