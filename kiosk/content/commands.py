"""`kiosk leaflet …`: what a clinic's content editor runs on its leaflet files.

These commands read files only, never the running kiosk, so they work when a leaflet is
broken (which is when they are needed): they are added to the `kiosk` command itself, not
to the app's commands, which need every leaflet to load first.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .check import check_file, leaflet_files


def configured_leaflets_dir() -> Path:
    """Where the kiosk reads its leaflets, as `kiosk serve` would: KIOSK_LEAFLETS_DIR, else
    LEAFLETS_DIR in the instance folder's config.py, else the shipped leaflets."""
    from flask import Config

    from .. import ROOT

    instance = os.environ.get("KIOSK_INSTANCE_PATH") or str(ROOT / "instance")
    config = Config(instance)
    config["LEAFLETS_DIR"] = str(ROOT / "leaflets")
    try:
        config.from_pyfile("config.py", silent=True)
    except Exception:  # noqa: BLE001 - a broken config.py is `kiosk serve`'s to report
        pass
    config.from_prefixed_env("KIOSK")
    return Path(config["LEAFLETS_DIR"])


@click.group()
def leaflet() -> None:
    """Check the clinic's leaflet files before patients see them."""


@leaflet.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Errors and warnings only, without each section's readability.")
def check(paths: tuple[Path, ...], quiet: bool) -> None:
    """Check leaflet files (or folders of them; by default the kiosk's own leaflets folder).

    Prints each problem as FILE:LINE:COLUMN: what is wrong and how to mend it, then how hard
    each section is to read (Flesch-Kincaid and SMOG grades, words a sentence), with a warning
    above grade 8 or 20 words a sentence. Exits 1 if any file has an error."""
    files = leaflet_files(list(paths) or [configured_leaflets_dir()])
    if not files:
        raise click.ClickException(f"no leaflet files (*.toml) in {', '.join(map(str, paths or [configured_leaflets_dir()]))}")
    errors = 0
    for path in files:
        for finding in check_file(path):
            errors += finding.level == "error"
            if not (quiet and finding.level == "note"):
                click.echo(str(finding), err=finding.level != "note")
    summary = f"{len(files)} leaflet file{'s' if len(files) != 1 else ''} checked: "
    summary += f"{errors} error{'s' if errors != 1 else ''}." if errors else "no errors."
    click.echo(summary)
    if errors:
        raise SystemExit(1)


@leaflet.command("import")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the draft (default: its proposed slug .toml, in this folder).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def import_(document: Path, output: Path | None, force: bool) -> None:
    """Make a TOML draft of a leaflet from a Word (.docx) or Markdown (.md) DOCUMENT.

    Headings become sections, paragraphs and bulleted lists become blocks, word for word;
    the title and slugs are proposed. What could not be carried over (pictures, tables) is
    named at the top of the draft. The draft is then checked as `kiosk leaflet check` does."""
    from .draft import toml_text

    try:
        text, slug = toml_text(document)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # noqa: BLE001 - a damaged file: one line, never a traceback
        raise click.ClickException(f"{document}: could not be read ({type(error).__name__}: {error})") from None
    target = output or Path(f"{slug}.toml")
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists already: name another with --output, or add --force to replace it.")
    target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote the draft {target}. Check it against {document.name}, then copy it into the leaflets folder.")
    errors = 0
    for finding in check_file(target):
        errors += finding.level == "error"
        click.echo(str(finding), err=finding.level != "note")
    if errors:
        raise SystemExit(1)
