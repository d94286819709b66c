"""An instance folder the kiosk cannot write: told in two lines by `kiosk`, never a traceback.

Both need root: a read-only folder must be a read-only mount (chmod does not stop root),
and "owned by another user" is root without the capabilities that let it ignore owners
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): the interpreter may live under /root, which a
real other user could not even start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import read_only, tmpfs

KIOSK = Path(sys.executable).parent / "kiosk"


def kiosk(instance: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_INSTANCE_PATH": str(instance), "KIOSK_SPEECH_ENABLED": "false"}
    return subprocess.run([*prefix, str(KIOSK), *args], env=env, capture_output=True, text=True, timeout=120)


def told_plainly(result: subprocess.CompletedProcess) -> list[str]:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Error: "), result.stderr
    return lines


@pytest.mark.root
def test_a_read_only_instance_folder(tmp_path):
    with tmpfs(tmp_path / "instance") as instance:
        read_only(instance)
        first, second = told_plainly(kiosk(instance, "prerender"))
    assert first == f"Error: cannot write in {instance}: Read-only file system (the kiosk runs as the user root)."
    assert second.startswith(f"{instance} is on a read-only file system: mount it read-write")


@pytest.mark.root
def test_an_instance_folder_owned_by_another_user(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o700)
    os.chown(instance, 65534, 65534)  # nobody's, as after a chown to the wrong user
    tmp_path.chmod(0o755)
    not_above_owners = ("setpriv", "--bounding-set=-dac_override,-dac_read_search")
    first, second = told_plainly(kiosk(instance, "prerender", prefix=not_above_owners))
    assert first.startswith("Error: ") and str(instance) in first and "Permission denied" in first
    assert second == f"Make the folder and its files the kiosk user's: sudo chown -R root: {instance}"
