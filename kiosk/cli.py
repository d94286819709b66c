"""The `kiosk` command: serve the kiosk and look after its catalogs."""

from __future__ import annotations

import click

from . import catalogs


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

    app = create_app()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    click.echo(f"Kiosk ready: open http://{shown}:{port}/ in the kiosk browser. Ctrl+C stops it.")
    waitress.serve(app, host=host, port=port, threads=threads, ident="kiosk")


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
