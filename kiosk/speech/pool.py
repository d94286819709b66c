"""Several speech workers behind the one executor interface, so prerendering uses every core.

Each worker is a ProcessExecutor of its own (one process, one job at a time). A job goes to
a free worker, the most recently used first. A pool is only made for `kiosk prerender` and
`kiosk export`, which will need every worker: so when it is first asked for the voices, it
starts the other workers too, in the background, while the pages are rendered to find the
clips (a second or so of start-up each, that the clips would otherwise wait for).
"""

from __future__ import annotations

import logging
import queue
import threading

from .engine import EngineError, EngineInfo, Job, Words
from .worker import BASE_TIMEOUT, EngineFactory, ProcessExecutor

log = logging.getLogger(__name__)


class WorkerPool:
    def __init__(self, engine_factory: EngineFactory, size: int, *, timeout: float = BASE_TIMEOUT) -> None:
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, not {size}")
        self._executors = [ProcessExecutor(engine_factory, timeout=timeout) for _ in range(size)]
        self._free: queue.LifoQueue[ProcessExecutor] = queue.LifoQueue()
        for executor in reversed(self._executors):
            self._free.put(executor)
        self._starting = threading.Lock()
        self._started = False
        self._engine: str | None = None  # the first worker's engine, which every clip key names

    @property
    def executors(self) -> tuple[ProcessExecutor, ...]:
        """Each worker's executor, the first (whose engine every clip key names) first."""
        return tuple(self._executors)

    @property
    def size(self) -> int:
        return len(self._executors)

    @property
    def starts(self) -> int:
        return sum(executor.starts for executor in self._executors)

    def info(self) -> EngineInfo:
        with self._starting:
            if not self._started:
                self._started = True
                for executor in self._executors[1:]:
                    threading.Thread(target=_start, args=(executor,), name="speech-worker-start", daemon=True).start()
        info = self._executors[0].info()
        self._engine = info.engine
        return info

    def run(self, job: Job, wav: str, clip: str) -> Words:
        executor = self._free.get()
        try:
            # Clip keys name the first worker's engine: another worker must run the very same one.
            # The trap: asking the first worker (info()) takes its lock, which it holds for the whole
            # of its job, so every job for another worker waited for the first worker's job to end.
            # Its engine is remembered instead.
            if executor is not self._executors[0] and executor.info().engine != (self._engine or self.info().engine):
                raise EngineError("speech workers disagree about the engine's version")
            return executor.run(job, wav, clip)
        finally:
            self._free.put(executor)

    def close(self) -> None:
        for executor in self._executors:
            executor.close()


def _start(executor: ProcessExecutor) -> None:
    try:
        executor.info()
    except EngineError as exc:
        # Not fatal here: the first job given to this worker starts it again, or fails with this.
        log.warning("a speech worker could not start: %s", exc)
