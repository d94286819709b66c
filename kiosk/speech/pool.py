"""Several speech workers behind the one executor interface, so prerendering uses every core.

Each worker is a ProcessExecutor of its own (one process, one job at a time). A job goes to
a free worker, the most recently used first, so a second worker is only spawned when two
jobs are asked for at the same time.
"""

from __future__ import annotations

import queue

from .engine import EngineError, EngineInfo, Job, Words
from .worker import EngineFactory, ProcessExecutor


class WorkerPool:
    def __init__(self, engine_factory: EngineFactory, size: int) -> None:
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, not {size}")
        self._executors = [ProcessExecutor(engine_factory) for _ in range(size)]
        self._free: queue.LifoQueue[ProcessExecutor] = queue.LifoQueue()
        for executor in reversed(self._executors):
            self._free.put(executor)

    @property
    def size(self) -> int:
        return len(self._executors)

    @property
    def starts(self) -> int:
        return sum(executor.starts for executor in self._executors)

    def info(self) -> EngineInfo:
        return self._executors[0].info()

    def run(self, job: Job, wav: str, clip: str) -> Words:
        executor = self._free.get()
        try:
            # Clip keys name the first worker's engine: another worker must run the very same one.
            if executor is not self._executors[0] and executor.info().engine != self.info().engine:
                raise EngineError("speech workers disagree about the engine's version")
            return executor.run(job, wav, clip)
        finally:
            self._free.put(executor)

    def close(self) -> None:
        for executor in self._executors:
            executor.close()
