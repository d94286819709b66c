"""What the kiosk is as a package: its licence, and a wheel that serves (issue 29)."""

import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

import pytest

from helpers import free_port, kiosk_process

ROOT = Path(__file__).resolve().parent.parent
SECTION = "/trigger-point-injections/what-to-expect"


def test_the_kiosk_is_gpl_3_or_later_like_the_espeak_ng_it_loads():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "GPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").split()[:6] == [
        "GNU", "GENERAL", "PUBLIC", "LICENSE", "Version", "3,"]
    # What the installed package says (set-up installs it), and what pip and `kiosk --version` show.
    assert metadata.metadata("leaflet-kiosk")["License-Expression"] == "GPL-3.0-or-later"
    assert "espeakng-loader==0.2.4" in project["dependencies"]


# `pip install` of the kiosk gives a kiosk that serves every page, from any folder (issue 29).

def wheel_built_from_the_sdist(out: Path) -> Path:
    """`python -m build`: the sdist first, then the wheel from the sdist alone, so both are whole."""
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [wheel] = out.glob("*.whl")
    return wheel


def get(url: str, deadline: float = 300):
    """The answer to `url`, asking again after a 503 (the speech engine busy, or starting)."""
    end = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(url, timeout=120) as answer:
                return answer.status, answer.headers.get_content_type(), answer.read()
        except urllib.error.HTTPError as error:
            if error.code != 503 or time.monotonic() > end:
                raise
            time.sleep(float(error.headers.get("Retry-After", "1")))


@pytest.mark.slow
def test_an_installed_wheel_serves_every_page_from_any_folder(tmp_path):
    wheel = wheel_built_from_the_sdist(tmp_path / "dist")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    installed = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                str(wheel)], capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"  # no checkout here, nor above
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "PYTHON"))}
    where = subprocess.run([venv / "bin" / "python", "-c", "import kiosk; print(kiosk.ROOT)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv), where

    port = free_port()
    with kiosk_process([venv / "bin" / "kiosk", "serve", "--port", str(port)], cwd=elsewhere, env=env):
        base = f"http://127.0.0.1:{port}"
        assert get(base + "/")[0] == 200
        for tag, heading in (("en", "What Should You Expect from Trigger Point Injections?"),
                             ("es", "¿Qué puede esperar de las inyecciones en puntos gatillo?"),
                             ("ar", "ما الذي يمكن توقعه من حقن نقاط الزناد؟")):
            status, kind, page = get(f"{base}/{tag}{SECTION}")
            assert (status, kind) == (200, "text/html"), tag
            assert heading in page.decode("utf-8"), tag  # the compiled catalog, not English
        clip = re.search(rb'data-clip="([^"]+)"', page)[1].decode()
        assert get(base + clip)[:2] == (200, "audio/ogg")
        assert get(base + "/vendor/htmx.org/dist/htmx.min.js")[0] == 200
        fonts = re.findall(rb'href="(/(?:vendor|fonts)/[^"]+\.css)"', page)
        assert fonts and all(get(base + href.decode())[0] == 200 for href in fonts)
        assert get(base + "/staff/")[0] == 200
