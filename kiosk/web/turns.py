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
listens), and `TURNS.taken` to the crawl, which renders each page in a turn of its own; the
speech layer itself never imports this module. The trap left: a request thread whose answer is over waitress's
outbuf_high_watermark (16 MB) waits, in its turn, for a slow client to take it; nothing
the kiosk serves is a tenth of that.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

# One thread running Python while another is in a system call (sending, reading a file).
# More only adds competition for the GIL; fewer left a core idle in the measurements.
AT_ONCE = 2


class Turns:
    """At most `at_once` holders; the others wait, and are served in the order they came.

    The trap (it hung pages): a semaphore is not fair. A thread that gives its turn back
    and asks again at once (a request thread going on to its next request) holds the GIL
    and takes the turn again before the waiter it woke has run: under a steady load one
    waiter was passed over again and again, and its page got no answer for 5 s and more
    (7 of 141,209 requests in a 5-minute soak, none under plain waitress). Here a turn
    given back is handed straight to the longest waiting thread, so nobody can jump in.
    """

    def __init__(self, at_once: int) -> None:
        self._lock = threading.Lock()
        self._at_once = at_once
        self._free = at_once
        self._waiting: deque[threading.Lock] = deque()
        self._spare_waiting: deque[threading.Lock] = deque()  # spare(): served only when idle
        self._holder = threading.local()

    def _holds(self) -> bool:
        return getattr(self._holder, "turn", False)

    def _acquire(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            handed = threading.Lock()
            handed.acquire()
            self._waiting.append(handed)
        handed.acquire()  # until _release hands this thread the turn

    def _acquire_spare(self) -> None:
        with self._lock:
            if self._idle():
                self._free -= 1
                return
            handed = threading.Lock()
            handed.acquire()
            self._spare_waiting.append(handed)
        handed.acquire()  # until _release finds the kiosk idle and hands this thread the turn

    def _idle(self) -> bool:
        return self._free == self._at_once and not self._waiting and not self._spare_waiting

    def _release(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()  # the turn passes on; none becomes free
                return
            self._free += 1
            if self._spare_waiting and self._free == self._at_once:
                self._free -= 1
                self._spare_waiting.popleft().release()

    def free(self) -> int:
        """Turns nobody holds or waits for (for tests)."""
        with self._lock:
            return self._free

    def queued(self) -> tuple[int, int]:
        """How many wait for a turn: (requests and the crawl, background pages for a spare one)."""
        with self._lock:
            return len(self._waiting), len(self._spare_waiting)

    def taken(self) -> AbstractContextManager[None]:
        """Run the block in a turn, waiting for one (in order of arrival) if all are taken."""
        return self._holding(self._acquire)

    def spare(self) -> AbstractContextManager[None]:
        """Run the block in a turn taken only while no request runs or waits: for background work
        (the pages a lexicon change dropped, kiosk/jobs/render_audio.py) that must leave pages at
        their idle speed. A request that comes meanwhile still finds the other turn free; the
        block, one page long, is all it shares the process with."""
        return self._holding(self._acquire_spare)

    @contextmanager
    def _holding(self, acquire: Callable[[], None]) -> Iterator[None]:
        acquire()
        self._holder.turn = True
        try:
            yield
        finally:
            self._holder.turn = False
            self._release()

    @contextmanager
    def given_back(self) -> Iterator[None]:
        """Around a wait that uses no CPU in this process: let another request run meanwhile.

        Does nothing in a thread without a turn (the test client, prerender's threads)."""
        if not self._holds():
            yield
            return
        self._holder.turn = False
        self._release()
        try:
            yield
        finally:
            self._acquire()
            self._holder.turn = True


# One per process: the GIL they share out is the process's.
TURNS = Turns(AT_ONCE)
