"""The `kiosk` command: serve the kiosk, render its audio, look after its catalogs."""

from __future__ import annotations

import errno
import gc
import logging
import os
import signal
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo, with_appcontext

from . import faults
from .content import commands as content_commands
from .i18n import KNOWN_LOCALES, SOURCE_LOCALE, catalogs, tag_of
from .i18n.catalogs import leaflet_domain
from .state import app_state

log = logging.getLogger(__name__)

# waitress refuses, unread, a body over this many times MAX_CONTENT_LENGTH (see `serve`).
BODY_LIMIT_FACTOR = 4


def _create_app():
    from . import create_app

    return create_app()


class Kiosk(AppGroup):
    """The `kiosk` command (pyproject's console script).

    Not Flask's FlaskGroup, on purpose: that one builds the app to list its commands, so a
    broken leaflet or config.py turned `kiosk --help` into a traceback; it adds every
    installed package's `flask` commands (Flask-Limiter's `limiter`, which means nothing on
    a kiosk); and its --app, --env-file and --debug would load another app, or this one in
    debug mode (tracebacks to patients). The commands are declared here, so help needs no
    app; each builds the app when it runs (with_appcontext), from a ScriptInfo made fresh
    for every run as FlaskGroup does. init_app adds the same commands to app.cli, so tests
    run them on a test app with `app.test_cli_runner()` (as flaskr does).
    """

    def make_context(self, info_name, args, parent=None, **extra):
        extra.setdefault("obj", ScriptInfo(create_app=_create_app, set_debug_flag=False, load_dotenv_defaults=False))
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            # A fault the IT person can fix, in one or two lines; anything else is a bug,
            # and --debug shows the traceback of either.
            lines = None if ctx.meta.get(DEBUG) else faults.explain(error)
            if lines is None:
                raise
            raise click.ClickException("\n".join(lines)) from error


DEBUG = "kiosk.debug"


def _debug(ctx, param, value):
    ctx.meta[DEBUG] = value


@click.group(cls=Kiosk, name="kiosk")
@click.version_option(package_name="leaflet-kiosk", prog_name="kiosk",
                      message="%(prog)s %(version)s (leaflet-kiosk, GPL-3.0-or-later)")
@click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_debug,
              help="Show the full traceback when a command fails (Flask's debug mode stays off).")
def main() -> None:
    """Waiting-room leaflet kiosk.

    Settings come from config.py in the instance folder (KIOSK_INSTANCE_PATH, else
    instance/ in the checkout, or <environment>/var/kiosk-instance for an installed
    wheel) and from KIOSK_* environment variables: docs/deploy.md.
    """


def init_app(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Use 0.0.0.0 to serve other machines on the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="TCP port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Request threads. Keep SPEECH_QUEUE (default 4) below it, so pages never wait for speech.")
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    """Serve the kiosk with waitress (a production WSGI server)."""
    from .web import logs, server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logs.quiet_waitress()
    app = current_app._get_current_object()
    for problem in app_state(app).fonts.problems:
        log.warning("%s", problem)
    _freeze_heap()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    listening = False

    def started() -> None:
        # Only now: docs/deploy.md tells IT to look for this line, and it used to come
        # before the bind, so a port in use said "ready" and then failed.
        nonlocal listening
        listening = True
        click.echo(f"Kiosk ready: open http://{shown}:{port}/ in the kiosk browser. Ctrl+C stops it.")
        _start_up(app)

    previous = signal.signal(signal.SIGTERM, lambda signum, frame: _stop(app))
    try:
        server.serve(
            app, started=started, host=host, port=port, threads=threads, ident="kiosk",
            # Close a connection that has sent nothing for 10 s (checked every
            # 2 s). Waitress's default is 2 minutes (checked every 30 s), so
            # half-open connections kept their slots long enough to lock the
            # kiosk out; its browser simply opens a new connection.
            channel_timeout=10,
            cleanup_interval=2,
            # Waitress stops accepting at this many open connections: at the
            # default, 100, 110 half-open ones locked real requests out. Each
            # costs one or two descriptors (a large answer is spooled to a
            # file), so 250 still fits the usual limit of 1024 per process.
            connection_limit=250,
            # select() fails outright on a descriptor numbered 1024 or more,
            # which busy connections plus spooled files can reach; poll() has
            # no such limit.
            asyncore_use_poll=True,
            # Refuse a body far over the app's own limit before reading it: at
            # waitress's default (1 GiB) a 300 MB GET body was spooled to /tmp.
            # Four times the app's, so that a file a little over it (a staff
            # import) reaches the app, which says so on the page it came from.
            max_request_body_size=BODY_LIMIT_FACTOR * app.config["MAX_CONTENT_LENGTH"],
            # A browser sends a few KiB of headers; the default 256 KiB per
            # connection, times connection_limit, is memory a flood could take.
            max_request_header_size=16 * 1024,
            # Waitress 3 deletes every X-Forwarded-* header before the app sees it, unless told
            # to trust a proxy itself. With PROXY_COUNT set, the app's ProxyFix decides which
            # to believe (kiosk/web/proxy.py), so waitress must pass them on; without, it
            # deletes them, and ProxyFix is not there either.
            clear_untrusted_proxy_headers=not app.config["PROXY_COUNT"],
        )
    except OSError as error:
        if listening:
            raise
        # The bind itself failed: the port is taken, the address is not this machine's, or
        # a port under 1024 needs root.
        hint = ("Another program (another kiosk serve?) is using it: stop that one, or choose "
                f"another port, e.g. kiosk serve --port {port + 1 if port < 65535 else 8000}."
                if error.errno == errno.EADDRINUSE else
                "Choose an address of this machine (127.0.0.1, or 0.0.0.0 for every network) "
                "and a port from 1024 up.")
        raise click.ClickException(f"cannot listen on {host} port {port}: {error.strerror}.\n{hint}") from error
    finally:
        signal.signal(signal.SIGTERM, previous)
        app_state(app).speech.close()


def _start_up(app) -> None:
    """The start-up work, begun once the socket listens, in the background: the crawl of every
    page (which starts the speech worker), then the render of the clips not cached yet. Both
    take turns with the requests, so a page asked for meanwhile is answered at once; a clip a
    patient asks for first is rendered on demand."""
    from .jobs.crawl import start_crawl

    start_crawl(app)
    app_state(app).background_render.start(after_pages=_freeze_heap)


def _freeze_heap() -> None:
    """Leave every object alive now out of later garbage collections (gc.freeze).

    The app, its templates and catalogs, and then every page rendered once at start-up
    (some 70,000 objects) live as long as the process, yet each full collection walked them
    all, holding the GIL: 60-70 ms, and up to 0.6 s on a busy machine, with every request
    thread stopped. Under load one such pause holds some 50 requests at once, 1 % of a few
    seconds' answers, so it set the pages' p99; start-up's own allocations made one likely
    while the page cache filled. Frozen, they cost a full collection nothing (under 1 ms).
    Garbage is collected first, so none is kept for good.
    """
    gc.collect()
    gc.freeze()


def _stop(app) -> None:
    """On TERM (systemd, docker stop): stop speech first, then leave waitress's loop.

    The worker may be stuck inside a clip while a request thread waits on it; closing
    speech kills it under that job (no new worker is started) and removes half-written
    clips, so waitress's own shutdown, which waits for its threads, is quick.
    """
    log.info("stopping (TERM)")
    app_state(app).speech.close()
    raise SystemExit(0)  # waitress's loop catches it and shuts down its threads


@click.command()
@click.option("--workers", default=os.cpu_count() or 1, show_default="one per core", type=click.IntRange(1, 64),
              help="Speech workers (processes) rendering at once.")
@with_appcontext
def prerender(workers: int) -> None:
    """Render every sentence of every leaflet in every language with a voice."""
    from .jobs.crawl import ensure_registered, failed_pages
    from .speech import SpeechUnavailable

    app = current_app._get_current_object()
    speech = app_state(app).speech
    speech.use_workers(workers)
    try:
        sentences = ensure_registered(app)
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
        failed = failed_pages(app)
        if failed:
            # The clips of these pages are unknown, so not rendered: never "Done" (issue 30).
            raise click.ClickException(
                f"{rendered} clips rendered, but {len(failed)} pages could not be rendered, so their audio "
                "is missing: " + "; ".join(failed) + ". See the kiosk's log for why, fix it, and run prerender again.")
        click.echo(f"Done: {rendered} clips rendered, the rest were cached already.")
    except SpeechUnavailable as error:
        raise click.ClickException(f"Some audio could not be rendered: {error}") from error
    finally:
        speech.close()


@click.command(name="export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Write into DIRECTORY even if it is not empty (files of the same name are replaced).")
@click.option("--workers", default=os.cpu_count() or 1, show_default="one per core", type=click.IntRange(1, 64),
              help="Speech workers (processes) rendering missing clips at once.")
@with_appcontext
def export_(directory: Path, force: bool, workers: int) -> None:
    """Write the whole kiosk as static files for any web server or CDN.

    Every page in every language, the printable leaflets, 404.html, every clip,
    htmx and the fonts; serve DIRECTORY with deploy/nginx/kiosk-export.conf
    (see docs/deploy.md, "Serving an export")."""
    from .jobs.export import ExportError, check_target, export
    from .i18n import KNOWN_LOCALES

    try:
        check_target(directory, force)  # before the app starts its speech worker
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    app = current_app._get_current_object()
    app_state(app).speech.use_workers(workers)
    bars = _Bars()
    click.echo("Finding every page and clip ...")
    try:
        report = export(app, directory, force=force, progress=bars)
    except ExportError as error:
        raise click.ClickException(f"The export is incomplete: {error}") from error
    finally:
        bars.close()
        app_state(app).speech.close()
    files = report.files
    click.echo(f"Wrote {directory}:")
    click.echo(f"  {len(report.pages) - 1} pages in {len(KNOWN_LOCALES)} languages, with the printable "
               "leaflets, and 404.html")
    click.echo(f"  {report.clips} clips in audio/")
    click.echo(f"  {len(report.assets)} assets (htmx, scripts, styles, fonts) in static/ and vendor/")
    if report.lexicons:
        click.echo(f"  pronunciations for {len(report.lexicons)} languages in lexicon/ (PLS, for the staff screen's import)")
    click.echo(f"  {len(files)} files, {report.size / 1e6:.1f} MB in all")
    if report.speech == "off":
        click.echo("Warning: speech is turned off (SPEECH_ENABLED), so the export has no audio; "
                   "its pages say audio is not available.", err=True)
    elif report.speech == "unavailable":
        click.echo("Warning: the speech engine could not start, so the export has no audio; "
                   "its pages say audio is not available.", err=True)
    if report.clips_missing:
        click.echo(f"Warning: {report.clips_missing} clips could not be rendered and are missing; "
                   "the player apologises when it reaches one. Export again once speech works.", err=True)
    for problem in report.problems:
        click.echo(f"Warning: {problem}", err=True)
    click.echo("Serve it with deploy/nginx/kiosk-export.conf, or copy it to any web server or CDN "
               "(docs/deploy.md, \"Serving an export\").")


class _Bars:
    """One click progress bar per stage of a long job: progress(stage, done, total)."""

    def __init__(self) -> None:
        self.stage = None
        self.bar = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.done = stage, 0
            self.bar = click.progressbar(length=total, label=stage, show_pos=True)
            self.bar.__enter__()
        self.bar.length = max(total, done)  # a crawl finds more as it goes
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        self.bar = self.stage = None


@click.command(name="set-pin")
@with_appcontext
def set_pin() -> None:
    """Set the PIN that opens the staff screen (/staff): 6 or more digits.

    Asked twice at a terminal; from a script, one line read from standard input
    (echo 123456 | kiosk set-pin). Only a hash is kept, in the instance folder:
    run it as the user the kiosk runs as (sudo -u kiosk ...), so the service can read it."""
    from .staff import pin

    if _stdin_is_terminal():
        entered = click.prompt(
            f"New staff PIN ({pin.MIN_DIGITS} or more digits)", hide_input=True,
            confirmation_prompt="The same PIN again",
        )
    else:
        # From a script or a pipe: one line, not echoed anywhere.
        entered = sys.stdin.readline()
    entered = entered.strip()
    if not pin.well_formed(entered):
        raise click.ClickException(
            f"A staff PIN is {pin.MIN_DIGITS} to {pin.MAX_DIGITS} digits (0-9) and nothing else. "
            "The PIN was not changed."
        )
    app = current_app._get_current_object()
    try:
        path = pin.save(app.instance_path, entered)
    finally:
        app_state(app).speech.close()
    click.echo(f"Staff PIN set. Only a hash of it is kept, in {path}. Open /staff on the kiosk to use it.")


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


@click.group()
def catalog() -> None:
    """Translation catalogs (translations/)."""


def _translations() -> Path:
    """The folder of the app's catalogs: the first of BABEL_TRANSLATION_DIRECTORIES."""
    return Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])


def _leaflet_files() -> list[Path]:
    """The file of every leaflet the kiosk serves, from where it reads them (LEAFLETS_DIR,
    KIOSK_LEAFLETS_DIR): each is extracted into a catalog of its own."""
    folder = Path(current_app.config["LEAFLETS_DIR"])
    return [folder / f"{slug}.toml" for slug in app_state().leaflets]


@catalog.command()
@with_appcontext
def extract() -> None:
    """Re-extract the templates: translations/messages.pot from the templates and code, and
    translations/leaflet-<slug>.pot from each leaflet the kiosk serves."""
    try:
        for template in catalogs.extract(_translations(), _leaflet_files()):
            click.echo(f"Wrote {template}")
    finally:
        app_state().speech.close()


@catalog.command()
@with_appcontext
def update() -> None:
    """Merge each template into its own catalogs in every language (changed texts become fuzzy;
    a new leaflet's catalogs start empty)."""
    locales = [locale for tag, locale in KNOWN_LOCALES.items() if tag != SOURCE_LOCALE]
    try:
        catalogs.update(_translations(), locales, list(app_state().leaflets))
    finally:
        app_state().speech.close()
    click.echo(f"Updated the .po files in {_translations()}")


@catalog.command()
@with_appcontext
def check() -> None:
    """Check every catalog: valid everywhere (placeholders kept, agreed terms used, nothing
    left in English), and complete for the interface and the shipped leaflets. Prints each
    problem with its file; exits 1 if there is any."""
    from .i18n.checks import folder_problems

    try:
        problems = folder_problems(_translations(), catalogs.shipped_domains())
    finally:
        app_state().speech.close()
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problems in the catalogs in {_translations()}.")
    click.echo(f"Every catalog in {_translations()} passes.")


def _locale(ctx, param, value: str):
    """A translated language by its tag (es, pt-BR) or Babel identifier (pt_BR)."""
    for tag, locale in KNOWN_LOCALES.items():
        if tag != SOURCE_LOCALE and value in (tag, str(locale)):
            return locale
    choices = ", ".join(tag for tag in KNOWN_LOCALES if tag != SOURCE_LOCALE)
    raise click.BadParameter(f"{value!r} is not one of the kiosk's translated languages: {choices}.")


@catalog.command(name="export")
@click.argument("lang", callback=_locale)
@click.option("--leaflet", "slug", required=True, help="The leaflet's slug, as in its address.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def export_catalog(lang, slug: str, file: Path, force: bool) -> None:
    """One leaflet's catalog in one language as FILE.po, for a translator's PO editor (Poedit,
    Weblate): each message with where it stands in the leaflet, and reviewers' comments."""
    from .i18n import exchange

    try:
        # A translator's file sent back and not imported yet may have this very name.
        if file.exists() and not force:
            raise click.ClickException(f"{file} exists: import it first, or add --force to replace it.")
        if slug not in app_state().leaflets:
            raise click.BadParameter(f"{slug!r} is not a leaflet this kiosk serves: "
                                     f"{', '.join(app_state().leaflets)}.", param_hint="--leaflet")
        # The reviewers' open comments (kiosk/review), on the English and on this language's text.
        comments = app_state().reviews.comments_for_translators(leaflet_domain(slug), tag_of(lang))
        count = exchange.export(_translations(), lang, slug, file, comments=comments)
    except exchange.ExchangeError as error:
        raise click.ClickException(str(error)) from None
    finally:
        app_state().speech.close()
    click.echo(f"Wrote {file}: {count} messages of the leaflet \"{slug}\" in {lang.english_name}.")


@catalog.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_catalog(file: Path) -> None:
    """Take a translator's FILE.po (from `kiosk catalog export`) back into its leaflet's
    catalog and compile it. Refuses, by line, a message with other placeholders or plural
    forms, or one the leaflet does not have; fuzzy entries stay hidden. Exits 1 if any is refused."""
    from .i18n import exchange

    try:
        report = exchange.import_(_translations(), file, list(app_state().leaflets))
    except exchange.ExchangeError as error:
        raise click.ClickException(str(error)) from None
    finally:
        app_state().speech.close()
    for line in report.refused:
        click.echo(f"{file}: refused: {line}", err=True)
    click.echo(
        f"{report.catalog}: {len(report.new)} new, {len(report.changed)} changed, {len(report.unchanged)} unchanged, "
        f"{len(report.refused)} refused; {len(report.fuzzy)} fuzzy (kept, not shown), "
        f"{len(report.untranslated)} left untranslated in the file."
    )
    if report.written:
        click.echo("Wrote and compiled it. Run `kiosk catalog check`, then restart the kiosk to show it.")
    if report.refused:
        raise click.ClickException(f"{len(report.refused)} messages refused; the others were imported. "
                                   "Correct them in the file and import it again.")


@catalog.command(name="compile")
@with_appcontext
def compile_() -> None:
    """Compile the .po files to .mo (fuzzy entries are left out on purpose), and cut the
    Chinese and Korean fonts to the characters they show."""
    from .fonts.subsets import build

    catalogs.run(catalogs.compile_args(_translations()))
    click.echo(f"Compiled the catalogs in {_translations()}")
    app = current_app._get_current_object()
    try:
        for line in build(app):
            click.echo(line, err=line.startswith("Warning"))
    finally:
        app_state(app).speech.close()
    click.echo(f"Made the fonts in {app.config['FONT_SUBSETS_DIR']}")


COMMANDS = (serve, prerender, export_, set_pin, catalog)
for _command in COMMANDS:
    main.add_command(_command)
# Commands on files alone, which must work when a leaflet is broken: not the app's.
main.add_command(content_commands.leaflet)
