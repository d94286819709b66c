"""The web server `kiosk serve` runs (kiosk.web.server): waitress, whose loop waits rather than
spins while a request thread sends, and whose request threads take turns."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

from kiosk.web import server as web
from kiosk.state import app_state
from kiosk.web.turns import AT_ONCE, PASSED_OVER, TURNS, Turns

from helpers import serving
from helpers import wait_until


def get(url: str, path: str, timeout: float = 10) -> bytes:
    """The whole answer to one GET on a connection of its own, status line and headers included."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
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
    with serving(plain(body), **serve_settings) as url:
        answer = get(url, "/")
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(body)
    assert sending.is_set()
    # Waitress's own channel turned the loop about 100,000 times a second here; each request
    # thread's send now wakes it a few times.
    assert len(polls) < 50, f"the loop turned {len(polls)} times while a thread sent"


def test_requests_take_turns(serve_settings):
    """Of 8 requests at once on 8 threads, no more than AT_ONCE run at the same time."""
    lock = threading.Lock()
    running, most = [0], [0]

    def busy(environ, start_response):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"done"]

    assert serve_settings["threads"] >= 8
    with serving(busy, **serve_settings) as url:
        threads = [threading.Thread(target=get, args=(url, "/")) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert most[0] == AT_ONCE


def test_a_request_waiting_on_another_process_gives_its_turn_to_a_page(serve_settings):
    """As a clip request does while its sentence is synthesized: more such waits than turns
    still leave pages answering."""
    release = threading.Event()
    inside = []

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/wait":
            with TURNS.given_back():
                inside.append(1)
                release.wait(30)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]

    waiters = AT_ONCE + 2
    assert serve_settings["threads"] > waiters
    with serving(app, **serve_settings) as url:
        threads = [threading.Thread(target=get, args=(url, "/wait"), kwargs={"timeout": 60})
                   for _ in range(waiters)]
        for thread in threads:
            thread.start()
        try:
            wait_until(lambda: len(inside) == waiters, "every waiting request started its wait")
            assert get(url, "/page", timeout=5).endswith(b"/page")
            assert not release.is_set()
        finally:
            release.set()
            for thread in threads:
                thread.join()


def test_giving_back_a_turn_outside_a_request_changes_nothing():
    """The test client and prerender's threads hold no turn: their waits give nothing back."""
    with TURNS.given_back():
        pass
    with TURNS.taken():
        with TURNS.given_back():
            pass
    assert TURNS.free() == AT_ONCE  # every turn is free again


def test_a_turn_given_back_goes_to_the_thread_that_waited_longest():
    """A thread that gives its turn back and asks again at once must queue behind the
    waiters: with a semaphore it took the turn again first, and a page starved."""
    turns = Turns(1)
    order = []
    queued = threading.Event()

    def waiter():
        queued.set()
        with turns.taken():
            order.append("waiter")

    with turns.taken():
        order.append("first")
        thread = threading.Thread(target=waiter)
        thread.start()
        queued.wait()
        wait_until(lambda: turns.queued().requests == 1, "the waiter queued for the turn")
    with turns.taken():  # at once, as a request thread going on to its next request
        order.append("again")
    thread.join()
    assert order == ["first", "waiter", "again"]


def test_a_spare_turn_waits_until_no_request_runs_or_waits():
    """The pages a lexicon change dropped are rendered again in spare turns (issue 28: every page
    rendered again beside the patients' requests took p99 from 141 ms to over 2 s): one is
    taken only while every turn is free, and a request that comes meanwhile goes first."""
    turns = Turns(2)
    order = []
    spare_waits = threading.Event()

    def background():
        spare_waits.set()
        with turns.spare():
            order.append("spare")

    def request(name):
        with turns.taken():
            order.append(name)

    with turns.taken():  # a request runs: the other turn is free, but not spare
        thread = threading.Thread(target=background)
        thread.start()
        spare_waits.wait()
        wait_until(lambda: turns.queued().spare == 1, "the background queued for a spare turn")
        request("second request")  # takes the free turn at once, ahead of the background
        assert order == ["second request"]
    thread.join(60)
    assert order == ["second request", "spare"]
    assert turns.free() == 2


def test_a_request_that_waits_goes_before_a_spare_turn():
    turns = Turns(1)
    order = []
    queued = threading.Event()

    def waiting(name, acquire):
        queued.set()
        with acquire():
            order.append(name)

    with turns.taken():
        spare = threading.Thread(target=waiting, args=("spare", turns.spare))
        spare.start()
        wait_until(lambda: turns.queued().spare == 1, "the background queued")
        request = threading.Thread(target=waiting, args=("request", turns.taken))
        request.start()
        wait_until(lambda: turns.queued().requests == 1, "the request queued")
    spare.join(60)
    request.join(60)
    assert order == ["request", "spare"]


def test_a_background_turn_waits_while_a_request_runs_and_goes_before_spare_work():
    """The crawl of every page after a restart takes background turns (issue 28: a page asked for
    meanwhile shared the process with it, and was 50 times as slow as once start-up was done)."""
    turns = Turns(2)
    order = []

    def waiting(name, acquire):
        with acquire():
            order.append(name)

    with turns.taken():  # a request runs: the other turn is free, but not for the crawl
        crawl = threading.Thread(target=waiting, args=("crawl", turns.background))
        crawl.start()
        wait_until(lambda: turns.queued().background == 1, "the crawl queued")
        spare = threading.Thread(target=waiting, args=("spare", turns.spare))
        spare.start()
        wait_until(lambda: turns.queued().spare == 1, "the spare work queued")
        waiting("second request", turns.taken)  # takes the free turn at once, ahead of the crawl
        assert order == ["second request"]
    crawl.join(60)
    spare.join(60)
    assert order == ["second request", "crawl", "spare"]
    assert turns.free() == 2


def test_a_background_turn_is_passed_over_a_bounded_number_of_times():
    """Under a steady stream of requests the crawl still finishes: clips from before a restart wait for it."""
    turns = Turns(1)
    order = []

    def waiting(name, acquire):
        with acquire():
            order.append(name)

    threads = []
    with turns.taken():
        threads.append(threading.Thread(target=waiting, args=("crawl", turns.background)))
        threads[-1].start()
        wait_until(lambda: turns.queued().background == 1, "the crawl queued")
        for n in range(PASSED_OVER + 3):
            threads.append(threading.Thread(target=waiting, args=(n, turns.taken)))
            threads[-1].start()
            wait_until(lambda: turns.queued().requests == n + 1, "the request queued")
    for thread in threads:
        thread.join(60)
    # The request that held the turn counted as none: it was not given one while the crawl waited.
    assert order == [*range(PASSED_OVER), "crawl", PASSED_OVER, PASSED_OVER + 1, PASSED_OVER + 2]


def test_the_crawl_after_a_restart_waits_while_a_request_runs(app):
    from kiosk.jobs.crawl import start_crawl

    with TURNS.taken():  # a request runs: the other turn is free, but not for the crawl
        finished = start_crawl(app)
        wait_until(lambda: TURNS.queued().background == 1, "the crawl queued for a background turn")
        assert not finished.is_set()
    assert finished.wait(120), "the crawl did not finish"
    assert app_state(app).crawl.done.is_set()


def test_a_background_turn_can_be_given_back():
    """The crawl's first page waits for the speech engine with its turn given back."""
    turns = Turns(1)
    with turns.background():
        with turns.given_back():
            assert turns.free() == 1
            with turns.taken():  # a request runs meanwhile
                pass
        assert turns.free() == 0
    assert turns.free() == 1


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


def test_serving_stops_its_loop_and_threads_with_a_connection_still_open():
    """The tests' server stops cleanly: a keep-alive connection left open by a browser kept the
    loop polling, and closing sockets under it from another thread made it fail with EBADF."""
    before = threading.active_count()
    with serving(plain(b"ok"), threads=4) as url:
        address = urlsplit(url)
        kept = socket.create_connection((address.hostname, address.port), timeout=10)
        kept.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        answer = b""
        while not answer.endswith(b"\r\n\r\nok"):  # the whole answer, however it arrives
            answer += kept.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
    try:
        assert threading.active_count() == before
        assert kept.recv(1) == b""  # the server closed it
    finally:
        kept.close()
