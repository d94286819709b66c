"""The web server: waitress (pinned in pyproject.toml), with two changes to its channel.

Both were found with py-spy and counters in waitress's loop, under `bench/run.py`'s load
(50 connections); see the README's "Speed and scale".

1. Its loop no longer spins while a request thread writes. Waitress marks a connection
   writable whenever output is pending; while a request thread is itself sending that
   output it holds the connection's output lock, and the loop, which cannot take the
   lock, found the socket writable again at once: tens of thousands of empty turns a
   second, holding the GIL, so the request thread sending the output waited for it. It
   made the static file's rate collapse to 20-130 req/s at random, and fattened the
   pages' slowest answers. Now a connection is not polled for writing while its lock is
   held, and a request thread that leaves output unsent wakes the loop once it lets go.
2. Request threads take turns (kiosk.web.turns), so that the loop thread gets the GIL back
   soon after each of its system calls.

And the answers waitress gives itself, before the app sees a request (a malformed request,
a header or body over the limits), carry the kiosk's security headers like every other.

The bug report for 1., to file with waitress: docs/upstream/.

On a waitress upgrade, re-check what Channel reads of waitress's private parts, against
the new waitress/channel.py and waitress/server.py:
- `requests`, `total_outbufs_len`, `will_close`, `close_when_flushed` and `outbuf_lock`
  (a Condition the task thread holds while it appends and flushes in write_soon) keep
  their names and meaning, and handle_write still only *tries* the lock while a request
  runs (`_flush_some_if_lockable`); if waitress fixes the spin itself, drop `writable`;
- write_soon still returns without holding the lock, and `server.pull_trigger()` still
  wakes the loop;
- `error_task_class` is still the ErrorTask waitress answers its own refusals with,
  `ErrorTask.execute` still sends `self.response_headers`, and `self.request.error` still has
  the `code` and `reason` RefusalTask answers with;
- `create_server(map=...)` still registers each listening socket (a BaseWSGIServer with
  `channel_class`) in the map before `run()`.
tests/test_server.py and the hostile tests fail when any of these goes.
"""

from __future__ import annotations

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from werkzeug.exceptions import default_exceptions

from .errors import refusal_page
from .headers import HEADERS
from .turns import TURNS


class RefusalTask(ErrorTask):
    """Waitress's own error answer (400, 413, 431, 501), with the kiosk's security headers, and
    the kiosk's own error page in place of waitress's text when the app is the kiosk's."""

    def execute(self):
        self.response_headers.extend(HEADERS.items())
        # The listener's own `application` is waitress's proxy-headers wrapper around the app.
        app = getattr(self.channel.server, "kiosk_app", None)
        code = self.request.error.code
        if not isinstance(app, Flask) or code not in default_exceptions:
            super().execute()
            return
        body = refusal_page(app, code)
        self.status = f"{code} {self.request.error.reason}"
        self.response_headers.append(("Content-Type", "text/html; charset=utf-8"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    error_task_class = RefusalTask

    def writable(self):
        if self.requests and self.total_outbufs_len and not (self.will_close or self.close_when_flushed):
            # A request is running. If its thread holds the output lock, it is sending now
            # (waitress's handle_write would only fail to take the lock, and poll again).
            if not self.outbuf_lock.acquire(blocking=False):
                return False
            self.outbuf_lock.release()
        return super().writable()

    def write_soon(self, data):
        written = super().write_soon(data)
        if self.total_outbufs_len:
            # Output the socket would not take yet, and the loop may have skipped this
            # connection while the lock was held (waitress pulled the trigger inside it).
            self.server.pull_trigger()
        return written

    def service(self):
        with TURNS.taken():
            super().service()


def create(app, **settings):
    """A waitress server for `app` with the kiosk's channel, listening but not yet serving."""
    listeners: dict = {}
    try:
        server = create_server(app, map=listeners, **settings)
    except OSError:
        # The bind failed (a port in use): waitress leaves open the socket and the trigger it
        # made before, which `kiosk serve` reports, and a test process would keep.
        for dispatcher in list(listeners.values()):
            dispatcher.close()
        raise
    # Every listening socket registers itself in the map (one server object each, or a
    # MultiSocketServer over them); none has accepted a connection before run().
    for listener in listeners.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = Channel
            listener.kiosk_app = app  # for RefusalTask's page
    return server


def serve(app, *, started=None, **settings) -> None:
    """Serve `app` until the process is told to stop (waitress.serve, with the kiosk's channel);
    `started()` is called once the socket listens, before the first request is accepted."""
    server = create(app, **settings)
    server.print_listen("Serving on http://{}:{}")
    if started is not None:
        started()
    server.run()
