"""Turns: at most a few requests run at once in one kiosk process; the others wait, blocked.

Why: Python runs one thread at a time (the GIL), and waitress's one loop thread reads
every request and needs the GIL back after each system call it makes. Every request
thread that is runnable competes with it. Measured with `bench/run.py`'s throughput
figure (50 connections, section page against a static file): with 8 runnable request
threads the page's p99 was 1.7-2.4x the static file's; with the same 8 threads taking
turns 2 at a time, 0.67-0.79x in four runs, for a fifth fewer pages a second (still
1.4-1.6x the static file's rate).

A request that waits for something that uses no CPU here gives its turn back meanwhile:
otherwise two such waits would stop every page. create_app hands `TURNS.given_back` to the
layers that wait (the speech layer, for the engine starting and a clip being synthesized in
a speech worker; read_aloud, for the crawl of every page that `kiosk serve` starts once it
listens), and `TURNS.background` to the crawl, which renders each page in a turn of its own; the
speech layer itself never imports this module. The trap left: a request thread whose answer is over waitress's
outbuf_high_watermark (16 MB) waits, in its turn, for a slow client to take it; nothing
the kiosk serves is a tenth of that.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import NamedTuple

# One thread running Python while another is in a system call (sending, reading a file).
# More only adds competition for the GIL; fewer left a core idle in the measurements.
AT_ONCE = 2
# A background turn (the crawl of every page after a restart) waits while requests run or wait,
# but for no more than this many requests given a turn before it: the crawl must still finish,
# since clip requests from before the restart wait for it. At a section page every 1-2 ms under
# load, against 25-80 ms for a page of the crawl, this leaves requests most of the process.
PASSED_OVER = 16

REQUEST, BACKGROUND, SPARE = "request", "background", "spare"



class Queued(NamedTuple):
    """How many wait for a turn (Turns.queued)."""

    requests: int
    background: int  # the crawl
    spare: int  # background pages, served only when idle

class Turns:
    """At most `at_once` holders; the others wait, and are served in the order they came, by kind:
    requests first; then background work (the crawl), once no request runs or waits or when it has
    been passed over PASSED_OVER times; then spare work, only when nothing runs at all.

    The trap (it hung pages): a semaphore is not fair. A thread that gives its turn back
    and asks again at once (a request thread going on to its next request) holds the GIL
    and takes the turn again before the waiter it woke has run: under a steady load one
    waiter was passed over again and again, and its page got no answer for 5 s and more
    (7 of 141,209 requests in a 5-minute soak, none under plain waitress). Here every turn,
    the first too, is handed out under one lock by _dispatch, to the longest waiting thread of
    the kind whose turn it is, so nobody can jump in.
    """

    def __init__(self, at_once: int) -> None:
        self._lock = threading.Lock()
        self._at_once = at_once
        self._free = at_once
        self._waiting: deque[threading.Lock] = deque()  # requests
        self._background_waiting: deque[threading.Lock] = deque()  # background(): the crawl
        self._spare_waiting: deque[threading.Lock] = deque()  # spare(): served only when idle
        self._requests = 0  # turns that requests hold
        self._passed_over = 0  # requests given a turn while background work waited
        self._holder = threading.local()

    def _kind_held(self) -> str | None:
        return getattr(self._holder, "kind", None)

    def _acquire(self, kind: str) -> None:
        handed = threading.Lock()
        handed.acquire()
        with self._lock:
            {REQUEST: self._waiting, BACKGROUND: self._background_waiting, SPARE: self._spare_waiting}[kind].append(handed)
            self._dispatch()
        handed.acquire()  # until _dispatch hands this thread a turn (perhaps just now)

    def _dispatch(self) -> None:
        """Hand out free turns, whose kind is next (under self._lock)."""
        while self._free:
            if self._background_waiting and (self._passed_over >= PASSED_OVER
                                             or not (self._requests or self._waiting)):
                handed = self._background_waiting.popleft()
                self._passed_over = 0
            elif self._waiting:
                handed = self._waiting.popleft()
                self._requests += 1
                if self._background_waiting:
                    self._passed_over += 1
            elif self._spare_waiting and self._free == self._at_once and not self._background_waiting:
                handed = self._spare_waiting.popleft()
            else:
                return
            self._free -= 1
            handed.release()

    def _release(self, kind: str) -> None:
        with self._lock:
            self._free += 1
            if kind == REQUEST:
                self._requests -= 1
            self._dispatch()

    def free(self) -> int:
        """Turns nobody holds or waits for (for tests)."""
        with self._lock:
            return self._free

    def queued(self) -> Queued:
        """How many wait for a turn, of each kind."""
        with self._lock:
            return Queued(len(self._waiting), len(self._background_waiting), len(self._spare_waiting))

    def taken(self) -> AbstractContextManager[None]:
        """Run the block in a request's turn, waiting for one (in order of arrival) if all are taken."""
        return self._holding(REQUEST)

    def background(self) -> AbstractContextManager[None]:
        """Run the block in a turn taken when no request runs or waits, or after PASSED_OVER requests
        went first: for background work that must finish soon, the crawl of every page after a
        restart (issue 28: a page asked for meanwhile shared the process with it, and was 50
        times as slow). A request that comes while the block runs still finds the other turn free;
        the block, one page long, is all it shares the process with."""
        return self._holding(BACKGROUND)

    def spare(self) -> AbstractContextManager[None]:
        """Run the block in a turn taken only while no request runs or waits: for background work
        (the pages a lexicon change dropped, kiosk/jobs/render_audio.py) that must leave pages at
        their idle speed. A request that comes meanwhile still finds the other turn free; the
        block, one page long, is all it shares the process with."""
        return self._holding(SPARE)

    @contextmanager
    def _holding(self, kind: str) -> Iterator[None]:
        self._acquire(kind)
        self._holder.kind = kind
        try:
            yield
        finally:
            self._holder.kind = None
            self._release(kind)

    @contextmanager
    def given_back(self) -> Iterator[None]:
        """Around a wait that uses no CPU in this process: let another request run meanwhile.

        Does nothing in a thread without a turn (the test client, prerender's threads)."""
        kind = self._kind_held()
        if kind is None:
            yield
            return
        self._holder.kind = None
        self._release(kind)
        try:
            yield
        finally:
            self._acquire(kind)
            self._holder.kind = kind


# One per process: the GIL they share out is the process's.
TURNS = Turns(AT_ONCE)
