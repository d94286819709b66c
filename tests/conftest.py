"""Shared fixtures: the app, a test client and a CLI runner (as in flaskr)."""

import fcntl
import os
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from flask import Flask

from kiosk import cli, create_app
from kiosk.speech import ThreadExecutor
from kiosk.state import app_state


BROWSER_TESTS = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(items):
    """Every test in tests/browser/ is a `browser` test (`-m "not browser"` is the fast suite);
    then the longest work first (longest_first)."""
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
    items[:] = longest_first(items)


def scope_of(nodeid: str) -> str:
    """The unit `--dist loadscope` gives one process: a module, or a class (pytest-xdist's rule)."""
    return nodeid.rsplit("::", 1)[0]


def longest_first(items: list) -> list:
    """The tests in the order the test command's processes should take them up (scripts/test.sh
    runs `--dist loadscope --no-loadscope-reorder`, which hands out whole modules and classes in
    this order): the longest work first, so that no process starts a minutes-long test when the
    others are nearly done.

    pytest-xdist's own order (most tests first) put the four longest tests, each a module or
    class of one or two tests, at the very end, one after another on two processes: the
    whole run waited 10 minutes for them with the third process idle. Which tests are long is
    what the `slow` marker says; a scope with fewer tests around its slow one is mostly that
    test, so it goes first. Then the browser tests (seconds each), then the rest, each group
    with the most tests first. Within a scope the order is pytest's own."""
    scopes: dict[str, list] = {}
    for item in items:
        scopes.setdefault(scope_of(item.nodeid), []).append(item)

    def rank(tests: list) -> tuple:
        if any(test.get_closest_marker("slow") for test in tests):
            return (0, len(tests))
        if any(test.get_closest_marker("browser") for test in tests):
            return (1, -len(tests))
        return (2, -len(tests))

    return [test for tests in sorted(scopes.values(), key=rank) for test in tests]


@pytest.fixture
def app(tmp_path):
    return create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(tmp_path))


@pytest.fixture(scope="module")
def speaking_app(tmp_path_factory):
    """The kiosk with the real speech layer (voices from eSpeak NG)."""
    app = create_app({"TESTING": True}, instance_path=str(tmp_path_factory.mktemp("instance")))
    yield app
    app_state(app).speech.close()


@pytest.fixture
def fake_app(tmp_path):
    """The kiosk as it ships, with a fake engine (tests/speech/fakes.py) on a thread in place of
    the speech worker: voices for English, Spanish and Arabic, clips in milliseconds."""
    from speech.fakes import FakeEngine

    app = create_app({"TESTING": True}, instance_path=str(tmp_path), speech_executor=ThreadExecutor(FakeEngine))
    yield app
    app_state(app).speech.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per test process, for every app in it (Jinja checks each
    against its source's checksum): more than a thousand tests make a kiosk of their own,
    and each compiled the templates again on its first page, 70 ms apiece."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def templates_compiled_once():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "jinja_options", {**Flask.jinja_options, "bytecode_cache": CompiledTemplates()})
        yield


@pytest.fixture(scope="session", autouse=True)
def no_frozen_heap():
    """`kiosk serve` freezes the heap (gc.freeze) at start-up and again from its render thread;
    in this process it would keep every earlier test's objects out of collection for good."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("gc.freeze", lambda: None)
        yield


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs(tmp_path_factory):
    """Pages show exactly what the catalogs say now, in faces cut to them, as after
    `kiosk catalog compile`: a .po edited since set-up is compiled again, and the fonts
    are cut again if a catalog now shows a character they lack.

    Only what is out of date is redone, under a lock that every test process shares:
    each xdist worker runs this fixture, and a worker that rewrote a .mo while another
    read it would hand that one a torn catalog. Cutting the fonts takes 13-20 s of
    CPU in each process; set-up has just done it."""
    from kiosk.i18n import catalogs
    from kiosk.fonts.subsets import build

    with open(tmp_path_factory.getbasetemp().parent / "compiled-catalogs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if catalogs.stale():
            catalogs.run(catalogs.compile_args())
        app = create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(tmp_path_factory.mktemp("fonts")))
        if app_state(app).fonts.problems:
            build(app)


@pytest.fixture(scope="session")
def fake_clips(tmp_path_factory):
    """`seed(folder, engine_class)`: every clip of every page, as a fake engine of that class
    says it with the shipped lexicons, put into a clip folder before a test's Speech uses it.

    Tests of what a pronunciation change renders again start from a kiosk whose clips are all
    made, and each made all of them again first (hundreds of clips, the most of their time).
    A clip's file name is its key (text, voice, rate, engine version, lexicon entries), so one
    folder serves every such test; it is made once for the whole run, under a lock that every
    test process shares (as compiled_catalogs). The engine's class names the folder: two fakes
    with one version say a lexicon entry differently. Each test gets hard links of its own, so
    a clip it renders again or deletes is its own."""
    from kiosk.jobs.crawl import ensure_registered

    shared = tmp_path_factory.getbasetemp().parent

    def made_by(engine_class) -> Path:
        name = f"clips-{engine_class.__module__}.{engine_class.__qualname__}"
        folder, done = shared / name, shared / f"{name}.done"
        with open(shared / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not done.exists():
                engine = engine_class()
                app = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(folder)},
                                 instance_path=str(tmp_path_factory.mktemp("fake-clips")),
                                 speech_executor=ThreadExecutor(lambda: engine))
                speech = app_state(app).speech
                try:
                    with app.app_context():
                        ensure_registered(app)
                    speech.prerender()
                finally:
                    speech.close()
                done.touch()
        return folder

    def seed(folder: Path, engine_class) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for clip in made_by(engine_class).glob("*.ogg"):
            os.link(clip, folder / clip.name)

    return seed


@pytest.fixture(scope="session")
def serve_settings():
    """The keyword arguments `kiosk serve` gives waitress (threads included), for tests that
    run the kiosk behind waitress exactly as it is served."""
    served = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KIOSK_SPEECH_ENABLED", "false")
        patch.setattr("kiosk.web.server.serve", lambda app, **kw: served.update(kw))
        result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 0, result.output
    return {k: v for k, v in served.items() if k not in ("host", "port", "started")}
