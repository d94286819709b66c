"""The wheel carries what the kiosk serves, not only its Python (pyproject.toml has the rest).

In a checkout, templates/, static/, translations/, leaflets/, lexicons/, node_modules/ and
build/fonts/ sit beside the package (kiosk.ROOT). A wheel held only kiosk/*.py, so
`pip install` gave a `kiosk` command that could serve nothing. This build step copies them
into the package as kiosk/_data/, in the same layout, and compiles each .po to the .mo the
kiosk serves (with Babel, a build requirement: nothing generated is committed). kiosk.ROOT is
kiosk/_data/ wherever that folder exists.

Of node_modules only what the kiosk serves goes in (kiosk/web/vendor.py): htmx, and of each
font the two weights' stylesheets, files and metadata, not its other weights and styles (some
150 MB). The sdist carries the same (MANIFEST.in), so a wheel built from it is whole too.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TREES = ("templates", "static", "leaflets", "lexicons", "build/fonts")
WEIGHTS = ("400", "700")


def node_files(root: Path):
    """The npm files the kiosk serves or reads, as paths under node_modules."""
    modules = root / "node_modules"
    yield Path("htmx.org/dist/htmx.min.js")
    yield Path("htmx.org/package.json")
    for package in sorted((modules / "@fontsource").iterdir()):
        name = package.relative_to(modules)
        for file in ("package.json", "metadata.json", "LICENSE", *(f"{w}.css" for w in WEIGHTS)):
            if (package / file).exists():
                yield name / file
        for file in sorted((package / "files").iterdir()):
            if re.search(rf"-({'|'.join(WEIGHTS)})-normal\.woff2?$", file.name):
                yield name / "files" / file.name


class BuildWithData(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install serves the checkout itself
        data = Path(self.build_lib) / "kiosk" / "_data"
        shutil.rmtree(data, ignore_errors=True)
        for tree in TREES:
            source = HERE / tree
            if not source.is_dir():
                if tree == "build/fonts":
                    continue  # not cut yet (`kiosk catalog compile`): whole faces are served, and /healthz says so
                raise SystemExit(f"{source} is missing: build from a checkout or an sdist of the kiosk")
            shutil.copytree(source, data / tree)
        modules = HERE / "node_modules"
        if not (modules / "htmx.org").is_dir():
            raise SystemExit("node_modules is missing: run `npm ci` first (scripts/setup.sh does)")
        for file in node_files(HERE):
            (data / "node_modules" / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(modules / file, data / "node_modules" / file)
        self.compile_catalogs(HERE / "translations", data / "translations")

    @staticmethod
    def compile_catalogs(source: Path, target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.mo"))
        for po in sorted(target.glob("*/LC_MESSAGES/*.po")):  # the interface's and each leaflet's
            with po.open("rb") as file:
                catalog = read_po(file, locale=po.parent.parent.name)
            # As `pybabel compile` (kiosk catalog compile): fuzzy entries left out, so the
            # page shows those in English, marked as English.
            with po.with_suffix(".mo").open("wb") as file:
                write_mo(file, catalog, use_fuzzy=False)


setup(
    cmdclass={"build_py": BuildWithData},
    # setuptools' own scratch folder, away from build/: that one holds the cut fonts, and an
    # sdist leaves out (prunes) whatever is in the build folder.
    options={"build": {"build_base": ".build"}},
)
