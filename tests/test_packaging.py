"""What the kiosk is as a package: its licence (issue 29)."""

import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_kiosk_is_gpl_3_or_later_like_the_espeak_ng_it_loads():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "GPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").split()[:6] == [
        "GNU", "GENERAL", "PUBLIC", "LICENSE", "Version", "3,"]
    # What the installed package says (set-up installs it), and what pip and `kiosk --version` show.
    assert metadata.metadata("leaflet-kiosk")["License-Expression"] == "GPL-3.0-or-later"
    assert "espeakng-loader==0.2.4" in project["dependencies"]
