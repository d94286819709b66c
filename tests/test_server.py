"""The web server `kiosk serve` runs (kiosk.server): waitress, whose loop waits rather than
spins while a request thread sends."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

from kiosk import server as web


@contextmanager
def serving(app, settings):
    """`app` behind kiosk.server on a free loopback port; yields (host, port)."""
    server = web.create(app, host="127.0.0.1", port=0, **settings)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.socket.getsockname()[:2]
    finally:
        server.close()
        thread.join(10)


def get(address, path: str, timeout: float = 10) -> bytes:
    """The whole answer to one GET on a connection of its own."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def plain(body: bytes):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    return app


def test_the_loop_waits_while_a_request_thread_sends(serve_settings, monkeypatch):
    """While a request thread holds a connection's output (sending it), waitress's loop found
    the socket writable, could not take the output, and polled again at once: a spin holding
    the GIL that the sending thread itself then waited for."""
    sending = threading.Event()
    real_flush = web.Channel._flush_some

    def slow_flush(self, *args, **kwargs):
        if threading.current_thread().name.startswith("waitress-"):  # a request thread, under the lock
            sending.set()
            # Under load other connections keep waking the loop; one wake-up stands for them.
            self.server.pull_trigger()
            time.sleep(0.5)
        return real_flush(self, *args, **kwargs)

    polls = []
    real_poll = wasyncore.poll2

    def counted_poll(*args, **kwargs):
        if sending.is_set():
            polls.append(1)
        return real_poll(*args, **kwargs)

    monkeypatch.setattr(web.Channel, "_flush_some", slow_flush)
    monkeypatch.setattr(wasyncore, "poll2", counted_poll)
    body = b"x" * 100_000
    with serving(plain(body), serve_settings) as address:
        answer = get(address, "/")
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(body)
    assert sending.is_set()
    # Waitress's own channel turned the loop about 100,000 times a second here; each request
    # thread's send now wakes it a few times.
    assert len(polls) < 50, f"the loop turned {len(polls)} times while a thread sent"


def test_every_listening_socket_gets_the_kiosk_channel():
    """A host name with two addresses (localhost: 127.0.0.1 and ::1) makes one server per address."""
    server = web.create(plain(b"ok"), listen="127.0.0.1:0 127.0.0.1:0")
    try:
        listeners = [s for s in server.map.values() if isinstance(s, BaseWSGIServer)]
        assert len(listeners) == 2
        assert {type(s).channel_class for s in listeners} == {HTTPChannel}  # waitress's own, as a class
        assert {s.channel_class for s in listeners} == {web.Channel}
    finally:
        server.close()
