"""The `kiosk` command: serve the kiosk, render its audio, look after its catalogs."""

from __future__ import annotations

import logging
import threading

import click

from . import catalogs

log = logging.getLogger(__name__)


@click.group()
def main() -> None:
    """Waiting-room leaflet kiosk."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Use 0.0.0.0 to serve other machines on the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, threads: int) -> None:
    """Serve the kiosk with waitress (a production WSGI server)."""
    import waitress

    from . import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    app = create_app()
    # Pages are served at once; clips not cached yet are rendered meanwhile
    # (and any a patient asks for first are rendered on demand).
    threading.Thread(target=_prerender_quietly, args=(app,), name="prerender", daemon=True).start()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    click.echo(f"Kiosk ready: open http://{shown}:{port}/ in the kiosk browser. Ctrl+C stops it.")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="kiosk")
    finally:
        app.extensions["speech"].close()


def _prerender_quietly(app) -> None:
    from .read_aloud import register_all
    from .speech import SpeechUnavailable

    try:
        register_all(app)
        rendered = app.extensions["speech"].prerender()
        log.info("audio cache ready (%d clips rendered now)", rendered)
    except SpeechUnavailable as error:
        log.error("audio cache incomplete: %s", error)


@main.command()
def prerender() -> None:
    """Render every sentence of every leaflet in every language with a voice."""
    from . import create_app
    from .read_aloud import register_all
    from .speech import SpeechUnavailable

    app = create_app()
    speech = app.extensions["speech"]
    try:
        sentences = register_all(app)
        click.echo(f"{sentences} sentences across all languages; cache: {speech.cache_dir}")
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label="Rendering clips", show_pos=True, show_eta=True)
                bar.__enter__()
            bar.update(1)

        try:
            rendered = speech.prerender(progress)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        click.echo(f"Done: {rendered} clips rendered, the rest were cached already.")
    except SpeechUnavailable as error:
        raise click.ClickException(f"Some audio could not be rendered: {error}") from error
    finally:
        speech.close()


@main.group()
def catalog() -> None:
    """Translation catalogs (translations/)."""


@catalog.command()
def extract() -> None:
    """Re-extract translations/messages.pot from the leaflets, templates and code."""
    catalogs.run(catalogs.extract_args())
    click.echo(f"Wrote {catalogs.POT}")


@catalog.command()
def update() -> None:
    """Merge the POT into every language's .po (changed texts become fuzzy)."""
    catalogs.run(catalogs.update_args())
    click.echo("Updated the .po files in translations/")


@catalog.command(name="compile")
def compile_() -> None:
    """Compile the .po files to .mo (fuzzy entries are left out on purpose)."""
    catalogs.run(catalogs.compile_args())
    click.echo("Compiled the catalogs in translations/")
