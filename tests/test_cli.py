"""The `kiosk` command."""

import json
import socket
from importlib import metadata

import click
import pytest
from click.testing import CliRunner

from kiosk import ROOT, cli, create_app
from kiosk.content import ContentError
from kiosk.jobs.crawl import page_urls

from helpers import soup, wait_until
from speech.fakes import spoken_text
from kiosk.state import app_state


def test_serve_uses_waitress_with_the_given_address(monkeypatch, tmp_path):
    served = {}
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, **kw: served.update(kw, app=app))
    result = CliRunner().invoke(cli.main, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert served["app"].name == "kiosk"


def test_serve_freezes_what_start_up_made(app, runner, monkeypatch):
    """Once the app is built, and again once every page is rendered: a full garbage collection
    walked all of it, with every request thread stopped, and made the slowest page answers."""
    frozen = []
    monkeypatch.setattr("gc.freeze", lambda: frozen.append(len(app_state(app).page_cache)))
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, started, **kw: started())
    result = runner.invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    render = app_state(app).background_render
    wait_until(lambda: not render.progress.running, "the start-up render to finish")
    assert frozen == [0, len(page_urls(app))]


def test_serve_rejects_a_bad_port():
    result = CliRunner().invoke(cli.main, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "70000 is not in the range 1<=x<=65535" in result.output


@pytest.mark.slow
def test_prerender_renders_every_clip_once_with_the_workers_asked_for(tmp_path):
    """Through the app's own CLI (as flaskr), with a fake engine in real worker processes: the
    real engine is covered by the speech tests, and rendering every clip with it took minutes."""
    apps = []

    def kiosk_app():
        apps.append(create_app({"TESTING": True, "SPEECH_ENGINE": "speech.fakes:FakeEngine",
                                "SPEECH_CACHE_DIR": str(tmp_path / "audio")},
                               instance_path=str(tmp_path / "instance")))
        return apps[-1]

    try:
        first = kiosk_app()
        result = first.test_cli_runner().invoke(args=["prerender", "--workers", "2"])
        assert result.exit_code == 0, result.output
        assert app_state(first).speech.workers == 2
        rendered = int(result.output.split("Done: ")[1].split()[0])
        assert rendered == len(list((tmp_path / "audio").glob("*.ogg"))) > 100
        again = kiosk_app().test_cli_runner().invoke(args=["prerender"])
        assert "Done: 0 clips rendered" in again.output
        # The audio guide's words are among them: the Spanish guide button's, say.
        toggle = soup(kiosk_app().test_client().get("/es/")).select_one("#guide-toggle")
        [(clip, lang, words)] = json.loads(toggle["data-say"])
        assert (lang, words) == ("es", "Guía de audio")
        assert spoken_text(tmp_path / "audio" / clip.rsplit("/", 1)[1]) == "Guía de audio"
    finally:
        for app in apps:
            app_state(app).speech.close()


# Start-up faults (issue 29): each ends the command with one or two lines on stderr that say
# what is wrong, where and what to do, and a non-zero exit: never a traceback.

LEAFLET = next((ROOT / "leaflets").glob("*.toml"))


def run_kiosk(args, tmp_path, **env):
    """`kiosk ARGS` as the console script runs it (the app built from the environment), in a
    temporary instance folder, with speech off."""
    env = {"KIOSK_INSTANCE_PATH": str(tmp_path / "instance"), "KIOSK_SPEECH_ENABLED": "false", **env}
    return CliRunner().invoke(cli.main, args, env=env)


def told_plainly(result) -> list[str]:
    """The lines of a fault told as the issue asks, or a failed assertion with the output."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an exception escaping
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("Error: "), result.stderr
    assert result.stdout == ""
    return lines


def leaflets_with(tmp_path, edit) -> str:
    folder = tmp_path / "leaflets"
    folder.mkdir()
    (folder / LEAFLET.name).write_text(edit(LEAFLET.read_text(encoding="utf-8")), encoding="utf-8")
    return str(folder)


def broken_line(text: str) -> str:
    """The leaflet with its first section's heading left unclosed: TOML's own error."""
    return text.replace('heading = "What Are Trigger Points?"', 'heading = "What Are Trigger Points?', 1)


def no_heading(text: str) -> str:
    return text.replace('heading = "What Are Trigger Points?"\n', "", 1)


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


@pytest.fixture
def never_served(monkeypatch):
    monkeypatch.setattr("kiosk.web.server.serve", lambda *a, **kw: pytest.fail("served despite the fault"))


def test_a_missing_leaflets_folder_is_named_as_missing(tmp_path, never_served):
    missing = tmp_path / "no-such-folder"
    first, second = told_plainly(run_kiosk(["serve"], tmp_path, KIOSK_LEAFLETS_DIR=str(missing)))
    assert first == f"Error: the leaflets folder {missing} does not exist."
    assert "LEAFLETS_DIR" in second


def test_an_empty_leaflets_folder_says_it_has_no_leaflets(tmp_path, never_served):
    first, second = told_plainly(run_kiosk(["serve"], tmp_path, KIOSK_LEAFLETS_DIR=str(tmp_path)))
    assert first == f"Error: the leaflets folder {tmp_path} has no leaflet files (*.toml)."
    assert "Copy the leaflets into it" in second


def test_broken_toml_is_told_at_its_line_and_column(tmp_path, never_served):
    folder = leaflets_with(tmp_path, broken_line)
    line = line_of(LEAFLET.read_text(encoding="utf-8"), 'heading = "What Are Trigger Points?"')
    first, second = told_plainly(run_kiosk(["serve"], tmp_path, KIOSK_LEAFLETS_DIR=folder))
    column = len('heading = "What Are Trigger Points?') + 1  # where the line ends, unclosed
    assert first == f"Error: {folder}/{LEAFLET.name}:{line}:{column}: not valid TOML: Illegal character '\\n'."
    assert second.startswith("Correct the leaflet file")


def test_a_section_with_no_heading_is_told_at_its_section(tmp_path, never_served):
    folder = leaflets_with(tmp_path, no_heading)
    line = line_of(LEAFLET.read_text(encoding="utf-8"), "[[sections]]")
    first, _ = told_plainly(run_kiosk(["serve"], tmp_path, KIOSK_LEAFLETS_DIR=folder))
    assert first == f"Error: {folder}/{LEAFLET.name}:{line}:1: sections[0].heading must be non-empty text."


def test_an_empty_heading_is_told_at_its_own_line(tmp_path, never_served):
    folder = leaflets_with(tmp_path, lambda text: text.replace('"What Are Trigger Points?"', '"  "', 1))
    line = line_of(LEAFLET.read_text(encoding="utf-8"), 'heading = "What Are Trigger Points?"')
    first, _ = told_plainly(run_kiosk(["serve"], tmp_path, KIOSK_LEAFLETS_DIR=folder))
    assert first == f"Error: {folder}/{LEAFLET.name}:{line}:1: sections[0].heading must be non-empty text."


def test_a_broken_leaflet_beside_a_good_one_is_left_out_with_one_line_and_the_kiosk_serves(tmp_path, monkeypatch,
                                                                                          caplog):
    folder = tmp_path / "leaflets"
    folder.mkdir()
    (folder / LEAFLET.name).write_bytes(LEAFLET.read_bytes())
    (folder / "broken.toml").write_text(broken_line(LEAFLET.read_text(encoding="utf-8")), encoding="utf-8")
    served = {}
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, **kw: served.update(app=app))
    result = run_kiosk(["serve"], tmp_path, KIOSK_LEAFLETS_DIR=str(folder))
    assert result.exit_code == 0, result.output
    assert list(app_state(served["app"]).leaflets) == [LEAFLET.stem]
    line = line_of(LEAFLET.read_text(encoding="utf-8"), 'heading = "What Are Trigger Points?"')
    column = len('heading = "What Are Trigger Points?') + 1
    told = [record.getMessage() for record in caplog.records if "broken.toml" in record.getMessage()]
    assert told == [f"{folder}/broken.toml:{line}:{column}: not valid TOML: Illegal character '\\n' (this leaflet "
                    f"is left out, the others are served; kiosk leaflet check {folder}/broken.toml lists every problem)"]


def test_when_every_leaflet_is_broken_the_first_is_told_and_nothing_served(tmp_path, never_served):
    folder = tmp_path / "leaflets"
    folder.mkdir()
    for name in ("a-first.toml", "b-second.toml"):
        (folder / name).write_text(no_heading(LEAFLET.read_text(encoding="utf-8")), encoding="utf-8")
    line = line_of(LEAFLET.read_text(encoding="utf-8"), "[[sections]]")
    first, second = told_plainly(run_kiosk(["serve"], tmp_path, KIOSK_LEAFLETS_DIR=str(folder)))
    assert first == f"Error: {folder}/a-first.toml:{line}:1: sections[0].heading must be non-empty text."
    assert second == (f"None of the 2 leaflet files in {folder} can be served: run `kiosk leaflet check {folder}` "
                      "for every problem, correct them, and start the kiosk again.")


def test_a_syntax_error_in_config_py_is_told_at_its_line(tmp_path, never_served):
    config = tmp_path / "instance" / "config.py"
    config.parent.mkdir()
    config.write_text('PUBLIC_URL = "https://clinic.example"\nTRUSTED_HOSTS = ["localhost",\n')
    first, second = told_plainly(run_kiosk(["serve"], tmp_path))
    assert first == f"Error: {config}:2:17: '[' was never closed (a Python syntax error in the kiosk's settings)."
    assert second == "Correct that line, or move the file away to start with the default settings."


def test_an_error_raised_in_config_py_is_told_at_its_line(tmp_path, never_served):
    config = tmp_path / "instance" / "config.py"
    config.parent.mkdir()
    config.write_text("IDLE_SECONDS = 120\nPUBLIC_URL = clinic_example\n")
    first, _ = told_plainly(run_kiosk(["serve"], tmp_path))
    assert first == (f"Error: {config}:2: NameError: name 'clinic_example' is not defined "
                     "(in the kiosk's settings).")


def test_a_port_in_use_is_told_and_never_called_ready(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        first, second = told_plainly(run_kiosk(["serve", "--port", str(port)], tmp_path))
    assert first == f"Error: cannot listen on 127.0.0.1 port {port}: Address already in use."
    assert f"--port {port + 1}" in second


def test_missing_browser_assets_say_to_run_npm_ci(tmp_path, never_served):
    first, second = told_plainly(run_kiosk(["serve"], tmp_path, KIOSK_NODE_MODULES=str(tmp_path)))
    assert first.startswith(f"Error: htmx and the fonts are missing from {tmp_path} (15 files, "
                            "htmx.org/dist/htmx.min.js first).")
    assert second.startswith("Run `npm ci`")


def test_kiosk_ready_comes_once_the_socket_listens(tmp_path, monkeypatch):
    said = []

    def serve(app, started, **settings):
        said.append("bound")
        monkeypatch.setattr(cli, "_start_up", lambda app: None)
        started()

    monkeypatch.setattr("kiosk.web.server.serve", serve)
    monkeypatch.setattr(cli.click, "echo", lambda message="", **kw: said.append(message))
    result = run_kiosk(["serve", "--port", "8123"], tmp_path)
    assert result.exit_code == 0, result.output
    assert said == ["bound", "Kiosk ready: open http://localhost:8123/ in the kiosk browser. Ctrl+C stops it."]


def test_debug_keeps_the_traceback(tmp_path):
    result = run_kiosk(["--debug", "serve"], tmp_path, KIOSK_LEAFLETS_DIR=str(tmp_path / "none"))
    assert result.exit_code == 1
    assert isinstance(result.exception, ContentError)


@pytest.mark.parametrize("fault", ["leaflets", "config"])
def test_help_needs_no_working_kiosk(tmp_path, fault):
    config = tmp_path / "instance" / "config.py"
    config.parent.mkdir()
    config.write_text("X = [\n" if fault == "config" else "")
    result = run_kiosk(["--help"], tmp_path, KIOSK_LEAFLETS_DIR=str(tmp_path / "none"))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "serve" in result.stdout and "set-pin" in result.stdout


def test_help_lists_the_kiosk_commands_only():
    """Flask-Limiter's `limiter` (a `flask` plugin command) means nothing to a kiosk's IT person."""
    result = CliRunner().invoke(cli.main, ["--help"])
    listed = result.stdout.split("Commands:\n")[1].splitlines()
    assert [line.split()[0] for line in listed if line.startswith("  ") and not line.startswith("   ")] == [
        "catalog", "export", "leaflet", "prerender", "serve", "set-pin"]


def test_version():
    result = CliRunner().invoke(cli.main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"kiosk {metadata.version('leaflet-kiosk')} (leaflet-kiosk, GPL-3.0-or-later)\n"


def every_command(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))


@pytest.mark.parametrize(("path", "command"), list(every_command(cli.main)), ids=lambda p: " ".join(p) if isinstance(p, tuple) else "")
def test_every_option_has_help(path, command):
    assert command.help, path
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, (path, param.name)


def test_set_pin_help_says_it_reads_standard_input():
    result = CliRunner().invoke(cli.main, ["set-pin", "--help"])
    assert "standard input" in result.stdout


# kiosk catalog check: the catalogs' checks, for a translator before a kiosk is switched over


def test_catalog_check_passes_the_shipped_catalogs(runner):
    result = runner.invoke(args=["catalog", "check"])
    assert result.exit_code == 0, result.output
    assert "passes" in result.output


def test_catalog_check_names_each_problem_with_its_file(tmp_path):
    import shutil

    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    po = translations / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    # A translator's slip: the placeholder translated along with the words.
    broken = text.replace("%(seconds)s segundos", "%(segundos)s segundos", 1)
    assert broken != text
    po.write_text(broken, encoding="utf-8")
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
                     instance_path=str(tmp_path / "instance"))
    result = app.test_cli_runner().invoke(args=["catalog", "check"])
    assert result.exit_code == 1, result.output
    assert any(line.startswith("es/LC_MESSAGES/messages.po: ") and "segundos" in line
               for line in result.output.splitlines()), result.output
