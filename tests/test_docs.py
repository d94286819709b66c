"""The README and docs/deploy.md against the code they describe (issue 29 found them drifted)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
LAYOUT = re.search(r"## Layout\n\n```\n(.*?)```", README, re.S)[1]


def shipped() -> list[str]:
    """What a newcomer looks for in the Layout: the package's modules and sub-packages, the
    browser's files, the templates' folders, and docs."""
    names = [p.name for p in (ROOT / "kiosk").iterdir() if p.name != "__init__.py" and
             (p.suffix == ".py" or (p / "__init__.py").exists())]
    names += [p.name for p in (ROOT / "static").iterdir()]
    names += [p.name for p in (ROOT / "templates").iterdir()]
    names += [p.name for p in (ROOT / "docs").glob("*.md")]
    return sorted(names)


@pytest.mark.parametrize("name", shipped())
def test_the_layout_names_every_part(name):
    stem = name.removesuffix(".py")
    assert re.search(rf"(?<![\w.-]){re.escape(stem)}(?:\.py|/)?(?![\w-])", LAYOUT), f"README's Layout leaves out {name}"


def test_the_layout_names_the_translators_glossaries():
    assert (ROOT / "translations" / "es" / "glossary.toml").exists()
    assert "glossary.toml" in LAYOUT


def test_the_instance_path_setting_is_in_the_readme():
    assert "KIOSK_INSTANCE_PATH" in README


def test_no_figure_of_an_export_that_the_code_does_not_make():
    """An export's size changes with every leaflet, language and clip; `kiosk export` prints it."""
    assert not re.search(r"about [\d,]+ (asset )?files", README + DEPLOY)
    assert "265 MB" not in README


def test_the_nginx_conf_says_what_clips_are():
    conf = (ROOT / "deploy" / "nginx" / "kiosk-export.conf").read_text(encoding="utf-8")
    assert "PCM" not in conf and "Ogg Vorbis" in conf


def test_the_translators_steps_compile_what_they_translated():
    steps = DEPLOY[DEPLOY.index("For translators"):]
    steps = re.search(r"```sh\n(.*?)```", steps, re.S)[1]
    assert [c for c in re.findall(r"kiosk catalog (\w+)", steps)] == ["extract", "update", "compile"]
