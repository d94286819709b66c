"""scripts/: the README's Quick start commands take PYTHON and VENV alike (issue 29)."""

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def tree_with(tmp_path, script: str) -> Path:
    """A copy of one of scripts/ in an empty tree, to run without setting anything up."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / script, tmp_path / "scripts" / script)
    return tmp_path


def environment(**settings: str) -> dict[str, str]:
    """This process's environment without the PYTHON and VENV that CI sets for its own run
    (.ci/run tests each Python in .venv-X.Y): the scripts under test must see only ours."""
    return {**{k: v for k, v in os.environ.items() if k not in ("PYTHON", "VENV")}, **settings}


def stub(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/env bash\n" + body)
    path.chmod(0o755)


def test_run_sh_serves_from_the_environment_it_set_up(tmp_path):
    tree = tree_with(tmp_path, "run.sh")
    stub(tree / "scripts" / "setup.sh", 'echo "setup PYTHON=$PYTHON VENV=$VENV" >> log\n')
    stub(tree / ".venv-3.12" / "bin" / "kiosk", 'echo "kiosk from .venv-3.12: $*" >> log\n')
    stub(tree / ".venv" / "bin" / "kiosk", 'echo "kiosk from .venv: $*" >> log\n')
    env = environment(PYTHON="/usr/bin/python3.12", VENV=".venv-3.12")
    subprocess.run([tree / "scripts" / "run.sh", "--port", "8123"], env=env, check=True, timeout=60)
    assert (tree / "log").read_text().splitlines() == [
        "setup PYTHON=/usr/bin/python3.12 VENV=.venv-3.12",
        "kiosk from .venv-3.12: serve --port 8123",
    ]


def other_python() -> str:
    """A supported Python of another version than this one (CI has 3.11, 3.12 and 3.13, as
    .ci/run finds them: by name, or under pyenv)."""
    for version in ("3.11", "3.12", "3.13"):
        if version == "%d.%d" % sys.version_info[:2]:
            continue
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip() \
            if shutil.which("pyenv") else ""
        for candidate in [f"python{version}", *glob.glob(f"{root}/versions/{version}.*/bin/python{version}")]:
            found = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                   capture_output=True, text=True) if shutil.which(candidate) else None
            if found and found.stdout.strip() == version:
                return candidate
    raise AssertionError("no other supported Python found: CI needs 3.11, 3.12 and 3.13")


def test_setup_sh_refuses_an_environment_of_another_python_than_python(tmp_path):
    """It used to take the existing .venv whatever PYTHON said."""
    tree = tree_with(tmp_path, "setup.sh")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", tree / ".venv"], check=True)
    python = other_python()
    result = subprocess.run([tree / "scripts" / "setup.sh"], env=environment(PYTHON=python),
                            capture_output=True, text=True, timeout=120)
    mine, theirs = "%d.%d" % sys.version_info[:2], subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True).stdout.strip()
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        f".venv is Python {mine}, not PYTHON's {theirs}: set VENV=.venv-{theirs} to keep both, or remove .venv.")
