"""Run the one speech engine behind an executor: one job at a time, killed and replaced when it hangs or dies."""

from __future__ import annotations

import importlib
import itertools
import logging
import multiprocessing
import os
import queue
import sys
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable

from .engine import Engine, EngineClosed, EngineError, EngineInfo, Job, VoiceUnusable, Words
from .produce import Unwritable, make_clip
from .wav import InvalidAudio

log = logging.getLogger(__name__)

# A job gets this long, plus a little per character, before its worker counts as hung.
# eSpeak NG renders ~1,000 characters in ~0.1 s here, so these are very generous.
BASE_TIMEOUT = 10.0
PER_CHAR_TIMEOUT = 0.01
START_TIMEOUT = 60.0
# How long close() waits for a job in flight before it kills the worker under it.
CLOSE_GRACE = 0.5
# How often a worker checks that the server that started it is still there.
PARENT_CHECK = 1.0
# Synthesis yields the CPU to the web server when both want it: on 2 cores the bulk render
# after a pronunciation save took a core from the pages (bench/bench_lexicon_save.py). A clip a
# patient waits for still gets any core the pages leave idle, which is nearly always.
WORKER_NICENESS = 5


EngineFactory = Callable[[], Engine]


# The engine every kiosk uses unless SPEECH_ENGINE names another "module:callable".
DEFAULT_ENGINE = "kiosk.speech.espeak:EspeakEngine"


def load_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """Import and build the engine `name` ("module:callable"), in the worker process only.

    By name rather than by object: a name crosses into a spawned process, and the web
    process never imports eSpeak (or any other engine) itself.
    """
    module, _, attr = name.partition(":")
    factory = importlib.import_module(module)
    for part in attr.split("."):
        factory = getattr(factory, part)
    return factory()


def default_engine_factory() -> Engine:
    """Build the real engine (eSpeak NG through pyttsx3)."""
    return load_engine(DEFAULT_ENGINE)


def job_timeout(job: Job, base: float = BASE_TIMEOUT) -> float:
    """Seconds a job may take before its worker is treated as hung."""
    return base + PER_CHAR_TIMEOUT * len(job.text)


class ProcessExecutor:
    """Owns the engine in one spawned worker process, and runs jobs strictly one at a time."""

    def __init__(
        self,
        engine_factory: EngineFactory = default_engine_factory,
        *,
        timeout: float = BASE_TIMEOUT,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self._factory = engine_factory
        self._timeout = timeout
        self._start_timeout = start_timeout
        # spawn, not fork: a forked child would inherit the web server's threads and locks,
        # and eSpeak must be initialised in a process that has never loaded it.
        self._ctx = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self._info: EngineInfo | None = None
        self._ids = itertools.count(1)
        self._closed = False
        self.starts = 0  # how many workers were spawned (tests and the benchmark read it)

    def info(self) -> EngineInfo:
        """Versions and voices, asked of the worker (started here if need be, then kept)."""
        with self._lock:
            return self._live_worker().info

    def run(self, job: Job, wav: str, clip: str) -> Words:
        """Have the worker speak `job` into `wav` and encode it into `clip` (produce.make_clip).

        EngineError if the worker fails, hangs or dies, InvalidAudio if it wrote bad audio (the
        worker is replaced for both), Unwritable if the clip could not be written.
        """
        with self._lock:
            worker = self._live_worker()
            job_id = next(self._ids)
            try:
                status, reply_id, payload = worker.request(
                    ("synth", job_id, job.text, job.voice, job.rate, job.lexicon, wav, clip),
                    job_timeout(job, self._timeout),
                )
                # A reply that is not for this job means the worker is out of step with us:
                # trust nothing it wrote.
                if reply_id != job_id:
                    raise EngineError(f"worker answered job {reply_id} when asked for job {job_id}")
                if status == "unwritable":
                    raise Unwritable(payload)  # the disk's fault, not the worker's: it is kept
                if status == "invalid":
                    raise InvalidAudio(payload)
                if status == "voice":
                    raise VoiceUnusable(payload)  # the voice's file, not the worker: it is kept
                if status != "ok":
                    raise EngineError(payload)
            except VoiceUnusable:
                raise
            except (EngineError, InvalidAudio):
                # Whatever state pyttsx3 and eSpeak are in now, the next job gets a fresh process.
                self._discard_locked()
                raise
            return payload

    @property
    def pid(self) -> int | None:
        """The worker process's id while one runs (the fault tests pause it), else None."""
        worker = self._worker
        return worker.pid if worker is not None else None

    def discard(self) -> None:
        """Kill the worker, e.g. after it wrote bad audio; the next job starts a new one."""
        with self._lock:
            self._discard_locked()

    def close(self) -> None:
        """Stop the worker politely when it is idle, else kill it under the job; start no other.

        Called on SIGTERM too, while a request thread may hold the lock for a job that hangs:
        waiting for that job would keep the server (and the worker) alive for the job's timeout.
        """
        self._closed = True
        if not self._lock.acquire(timeout=CLOSE_GRACE):
            worker = self._worker
            if worker is not None:
                worker.kill_process()  # the thread waiting on it sees EOF, fails its job and lets go
            self._lock.acquire()
        try:
            if self._worker is not None:
                self._worker.close()
                self._worker = None
        finally:
            self._lock.release()

    def _live_worker(self) -> _Worker:
        if self._closed:
            raise EngineClosed("the speech engine has been stopped")
        if self._worker is not None and not self._worker.alive():
            log.warning("speech worker died (exit code %s); starting another", self._worker.exitcode())
            self._discard_locked()
        if self._worker is None:
            self.starts += 1
            worker = _Worker(self._ctx, self._factory, self._start_timeout)
            # Clip keys were computed from the first worker's versions: a worker running
            # another engine (packages upgraded under a running server) must not fill the cache.
            if self._info is not None and worker.info.engine != self._info.engine:
                worker.kill()
                raise EngineError(f"engine changed from {self._info.engine!r} to {worker.info.engine!r}")
            self._info = worker.info
            self._worker = worker
        return self._worker

    def _discard_locked(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None


class _Worker:
    """One child process and the pipe to it."""

    def __init__(self, ctx, factory: EngineFactory, start_timeout: float) -> None:
        parent_end, child_end = ctx.Pipe()
        self._process = ctx.Process(target=process_main, args=(child_end, factory), name="kiosk-speech", daemon=True)
        self._process.start()
        # Close our copy of the child's end, or we would never see EOF when the child dies.
        child_end.close()
        self._conn = parent_end
        try:
            status, _, payload = self._receive(start_timeout)
            if status != "ready":
                raise EngineError(f"speech engine failed to start: {payload}")
        except EngineError:
            self.kill()
            raise
        self.info: EngineInfo = payload

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def alive(self) -> bool:
        return self._process.is_alive()

    def exitcode(self) -> int | None:
        return self._process.exitcode

    def request(self, message: tuple, timeout: float) -> tuple:
        try:
            self._conn.send(message)
        except OSError as exc:
            raise EngineError(f"speech worker is gone: {exc}") from exc
        return self._receive(timeout)

    def _receive(self, timeout: float) -> tuple:
        # poll() also returns when the child has died (EOF), so a crash is noticed at once.
        if not self._conn.poll(timeout):
            raise EngineError(f"speech worker did not answer within {timeout:.0f} s")
        try:
            return self._conn.recv()
        except (EOFError, OSError) as exc:
            self._process.join(1)
            raise EngineError(f"speech worker died (exit code {self._process.exitcode})") from exc

    def kill(self) -> None:
        self.kill_process()
        self._conn.close()

    def kill_process(self) -> None:
        """SIGKILL the child and reap it; the pipe is left to the thread that may be reading it."""
        if self._process.exitcode is None:
            self._process.kill()
            self._process.join(10)

    def close(self) -> None:
        try:
            self._conn.send(("close",))
        except OSError:
            pass
        self._process.join(5)
        self.kill()


def process_main(conn, factory: EngineFactory) -> None:
    """Worker process main: build the engine, then run one job at a time until told to stop."""
    # pyttsx3's eSpeak driver print()s a line for every file it saves; keep it out of the server's output.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    # No worker outlives the server: if the server is killed outright (SIGKILL, OOM), nobody
    # closes the pipe's far end while eSpeak hangs, so watch for being orphaned as well.
    # (PR_SET_PDEATHSIG would not do: it fires when the *thread* that spawned us ends, and that
    # is any request thread that happened to need speech first.)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    os.nice(WORKER_NICENESS)
    try:
        engine = factory()
        conn.send(("ready", 0, engine.info()))
    except BaseException as exc:  # noqa: BLE001 - anything at start-up is reported, not raised
        conn.send(("failed", 0, f"{type(exc).__name__}: {exc}"))
        conn.close()
        os._exit(1)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break  # the server went away
        if message[0] != "synth":
            break
        _, job_id, text, voice, rate, lexicon, wav, clip = message
        try:
            reply = ("ok", job_id, make_clip(engine, Job(text, voice, rate, lexicon), wav, clip))
        except Unwritable as exc:
            reply = ("unwritable", job_id, str(exc))
        except InvalidAudio as exc:
            reply = ("invalid", job_id, str(exc))
        except VoiceUnusable as exc:
            reply = ("voice", job_id, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which replaces this worker
            reply = ("error", job_id, f"{type(exc).__name__}: {exc}")
        conn.send(reply)
    conn.close()
    # Skip interpreter teardown: pyttsx3 notes that eSpeak "has issues when terminating from
    # python", and there is nothing left to flush.
    os._exit(0)


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        threading.Event().wait(PARENT_CHECK)
    os._exit(0)


class ThreadExecutor:
    """Runs the engine on one dedicated thread: for tests and fakes. A hung thread is abandoned, not killed."""

    def __init__(self, engine_factory: EngineFactory, *, timeout: float = BASE_TIMEOUT) -> None:
        self._factory = engine_factory
        self._timeout = timeout
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue | None = None
        self.starts = 0

    def info(self) -> EngineInfo:
        with self._lock:
            return self._call(lambda engine: engine.info(), self._timeout)

    def run(self, job: Job, wav: str, clip: str) -> Words:
        """As ProcessExecutor.run, with the same errors."""
        with self._lock:
            return self._call(lambda engine: make_clip(engine, job, wav, clip), job_timeout(job, self._timeout))

    def discard(self) -> None:
        with self._lock:
            self._abandon()

    def close(self) -> None:
        self.discard()

    def _call(self, fn, timeout: float):
        if self._queue is None:
            self.starts += 1
            self._queue = queue.SimpleQueue()
            # A daemon thread of our own rather than a ThreadPoolExecutor, whose exit hook would
            # wait forever for an engine that hangs.
            thread = threading.Thread(target=_thread_main, args=(self._queue, self._factory), daemon=True)
            thread.start()
        future: Future = Future()
        self._queue.put((fn, future))
        try:
            return future.result(timeout)
        except FutureTimeout:
            self._abandon()
            raise EngineError(f"speech engine did not answer within {timeout:.0f} s") from None
        except (Unwritable, VoiceUnusable):
            raise  # the disk's or the voice file's fault: the engine is kept
        except (EngineError, InvalidAudio):
            self._abandon()
            raise
        except Exception as exc:
            self._abandon()
            raise EngineError(f"{type(exc).__name__}: {exc}") from exc

    def _abandon(self) -> None:
        if self._queue is not None:
            self._queue.put((None, None))  # the old thread stops once it is free
            self._queue = None


def _thread_main(jobs: queue.SimpleQueue, factory: EngineFactory) -> None:
    try:
        engine = factory()
    except BaseException as exc:  # noqa: BLE001 - every caller gets the start-up error
        engine, error = None, exc
    while True:
        fn, future = jobs.get()
        if fn is None:
            return
        if engine is None:
            future.set_exception(error)
            continue
        try:
            future.set_result(fn(engine))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            future.set_exception(exc)
