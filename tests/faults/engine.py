"""An engine for fault tests in a real worker process, steered through a folder named by KIOSK_FAULT_STATE.

Built by name (SPEECH_ENGINE = "faults.engine:FaultEngine"), as any engine is, so it runs
in the same spawned worker the real one does. Files in the folder:
  worker.pid  written at start: the worker's pid, for the test to pause, kill or look for
  mode        "ok", or "hang": write half a clip, then hang until killed
  jobs        one line per job started
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from speech.fakes import FakeEngine, write_wav


class FaultEngine(FakeEngine):
    def __init__(self) -> None:
        super().__init__()
        self.state = Path(os.environ["KIOSK_FAULT_STATE"])
        (self.state / "worker.pid").write_text(str(os.getpid()))

    def synthesize(self, text: str, voice: str, rate: int, path: str):
        with open(self.state / "jobs", "a") as f:
            f.write(f"{os.getpid()} {path}\n")
        mode = (self.state / "mode").read_text().strip() if (self.state / "mode").exists() else "ok"
        if mode == "hang":
            write_wav(path, text, rate)
            with open(path, "r+b") as f:
                f.truncate(os.path.getsize(path) // 2)
            threading.Event().wait()
        return super().synthesize(text, voice, rate, path)
