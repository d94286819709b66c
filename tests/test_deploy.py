"""docs/deploy.md's install, run as written, in its order (issue 29).

Its commands once failed at the third: `sudo kiosk set-pin` made the instance folder's
secret_key and staff_pin as root, 0600, and `sudo -u kiosk kiosk prerender` met a
PermissionError. So this test reads the commands out of the document itself, runs them as
root with a system user made for the test, then starts the service's ExecStart as that
user, as systemd would, and fetches pages. Root only (adduser, changing user), like CI.

Two things differ from a clinic, on purpose: the paths (a temporary folder for /opt/kiosk
and /var/lib/kiosk, and a user of its own), and speech: the fake engine of the tests makes
the clips (the real one takes minutes; tests/speech/ covers it).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from helpers import free_port, kiosk_process

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
PIN = "482913"
SECTION = "/en/trigger-point-injections/what-to-expect"
HEAD = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                      check=True).stdout.strip()


def block(after: str, language: str) -> str:
    """The first ```language block after the heading `after`."""
    return re.search(rf"```{language}\n(.*?)```", DEPLOY[DEPLOY.index(after):], re.S)[1]


@pytest.fixture
def place():
    """A folder the new user can reach (pytest's own is root's, 0700), and the user."""
    folder = Path(tempfile.mkdtemp(prefix="kiosk-deploy-"))
    folder.chmod(0o755)
    user = f"kiosk-{secrets.token_hex(3)}"
    yield folder, user
    subprocess.run(["deluser", "--system", user], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def as_written(text: str, folder: Path, user: str) -> str:
    """deploy.md's text with this test's paths and user."""
    text = text.replace("<the kiosk's repository>", str(ROOT))
    text = text.replace("/opt/kiosk", str(folder / "opt-kiosk")).replace("/var/lib/kiosk", str(folder / "var-lib-kiosk"))
    text = re.sub(r"-u kiosk\b", f"-u {user}", text)
    text = text.replace("kiosk:kiosk", f"{user}:{user}")
    text = re.sub(r"^(User|Group)=kiosk$", rf"\1={user}", text, flags=re.M)
    return re.sub(r"^(sudo adduser .*) kiosk$", rf"\1 {user}", text, flags=re.M)


def commands(line: str):
    """The commands of one line (`cd X && Y` is two), as token lists."""
    command: list[str] = []
    for token in shlex.split(line, comments=True):
        if token == "&&":
            yield command
            command = []
        else:
            command.append(token)
    if command:
        yield command


def as_sudo_would(command: list[str], folder: Path) -> list[str]:
    """`sudo [-u USER] [VAR=value ...] PROGRAM ...`, as root with no sudo installed: setpriv
    changes user without a process in between (and clears the environment, as sudo does)."""
    assert command[0] == "sudo", command
    command = command[1:]
    # Root's commands too get a clean environment, as sudo gives them: CI's own PYTHON and
    # VENV (.ci/run tests each Python in .venv-X.Y) once leaked into setup.sh here.
    prefix = ["setpriv", "--reset-env"]
    if command[0] == "-u":
        user, command = command[1], command[2:]
        prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--reset-env"]
    settings = []
    while "=" in command[0] and not command[0].startswith("/"):
        settings.append(command.pop(0))
    if command[0].endswith("/kiosk"):
        settings += [f"KIOSK_SPEECH_ENGINE=speech.fakes:FakeEngine", f"PYTHONPATH={folder / 'opt-kiosk' / 'tests'}"]
    return [*prefix, "env", *settings, *command]


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return answer.status, answer.read()


@pytest.mark.root
@pytest.mark.slow
def test_the_install_steps_run_in_order_as_written(place):
    folder, user = place
    cwd = folder
    for line in as_written(block("## 1. Install", "sh"), folder, user).splitlines():
        for command in commands(line):
            if command[0] == "cd":
                cwd = Path(command[1])
                continue
            typed = PIN + "\n" if "set-pin" in command else None
            done = subprocess.run(as_sudo_would(command, folder), cwd=cwd, input=typed, capture_output=True,
                                  text=True, timeout=900)
            assert done.returncode == 0, f"{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            assert "Traceback" not in done.stderr, line
            if command[1:3] == ["git", "clone"]:
                # The commit under test: a clone takes the repository's HEAD, which for a git
                # worktree is another branch's. (So what is not committed is not tested here.)
                subprocess.run(["git", "-C", command[-1], "checkout", "-q", HEAD], check=True)
    instance = folder / "var-lib-kiosk"
    owner = {path.name: path.owner() for path in instance.iterdir()}
    assert {"secret_key", "staff_pin"} <= set(owner) and set(owner.values()) == {user}, owner
    assert list((instance / "audio").glob("*.ogg")), "prerender made no clips"

    # The service, as systemd starts it: its user, its environment, its ExecStart.
    unit = as_written(block("## 2. The service", "ini"), folder, user)
    port = free_port()
    settings = dict(re.findall(r"^Environment=(\w+)=(.*)$", unit, re.M))
    start = shlex.split(re.search(r"^ExecStart=(.*)$", unit, re.M)[1].replace("--port 8000", f"--port {port}"))
    assert re.search(r"^WorkingDirectory=(.*)$", unit, re.M)[1] == str(folder / "opt-kiosk")
    command = as_sudo_would(["sudo", "-u", user, *[f"{k}={v}" for k, v in settings.items()], *start], folder)
    with kiosk_process(command, cwd=folder / "opt-kiosk") as said:
        base = f"http://127.0.0.1:{port}"
        for path in ("/", "/es/", SECTION):
            assert fetch(base + path)[0] == 200, path
        health = json.loads(fetch(base + "/healthz")[1])
        assert health["status"] == "ok" and not [w for w in health["warnings"] if "Audio" in w], health

    if shutil.which("systemd-analyze"):  # Debian's systemd has it; the unit is checked where it can be
        (folder / "kiosk.service").write_text(unit)
        verified = subprocess.run(["systemd-analyze", "verify", "--man=no", str(folder / "kiosk.service")],
                                  capture_output=True, text=True, timeout=120)
        assert (verified.returncode, verified.stdout + verified.stderr) == (0, "")
