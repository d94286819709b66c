"""`kiosk export`: every page, clip and asset as static files, with nothing dangling."""

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import soundfile
from bs4 import BeautifulSoup
from click.testing import CliRunner

from kiosk import ROOT, cli, create_app
from kiosk.jobs.export import ExportError, check_target, export, page_file
from kiosk.web.headers import HEADERS
from kiosk.jobs.crawl import page_urls
from kiosk.speech import ThreadExecutor

from helpers import LEAFLET, LOCALES, SECTIONS, expected
from speech.fakes import FakeEngine, spoken_text
from kiosk.state import app_state

PREFIXES = ("/static/", "/vendor/", "/fonts/", "/audio/")


@pytest.fixture(scope="module")
def exported(tmp_path_factory, fake_clips):
    """The kiosk with a fake engine (voices for en, es and ar), exported once; yields (app, folder, report)."""
    base = tmp_path_factory.mktemp("export")
    fake_clips(base / "audio", FakeEngine)  # its clips made already: the export copies them
    app = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(base / "audio")}, instance_path=str(base / "instance"),
                     speech_executor=ThreadExecutor(FakeEngine))
    speech = app_state(app).speech
    report = export(app, base / "site")
    yield app, base / "site", report
    speech.close()


def read(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("/", "index.html"),
        ("/es/", "es/index.html"),
        (f"/es/{LEAFLET}/", f"es/{LEAFLET}/index.html"),
        (f"/es/{LEAFLET}/{SECTIONS[0]}", f"es/{LEAFLET}/{SECTIONS[0]}.html"),
        (f"/zh-Hans/{LEAFLET}/print", f"zh-Hans/{LEAFLET}/print.html"),
    ],
)
def test_pages_are_written_where_try_files_finds_them(url, file):
    assert page_file(url) == file


@pytest.mark.parametrize("url", ["/../etc/passwd", "/static/../../x.css", "relative.css"])
def test_nothing_is_written_outside_the_export(url):
    with pytest.raises(ExportError):
        page_file(url)


@pytest.mark.parametrize("tag", LOCALES)
def test_every_page_of_every_language_is_exported_as_the_kiosk_answers_it(exported, tag, monkeypatch):
    app, site, _ = exported
    # As the kiosk answers with "Ask staff about this" off: no server would hear it in an export.
    monkeypatch.setitem(app.config, "ASK_STAFF", False)
    client = app.test_client()
    urls = [u for u in page_urls(app) if u.startswith(f"/{tag}/")]
    assert urls == [f"/{tag}/", f"/{tag}/{LEAFLET}/", *(f"/{tag}/{LEAFLET}/{s}" for s in SECTIONS),
                    f"/{tag}/{LEAFLET}/print", f"/{tag}/{LEAFLET}/words"]
    for url in urls:
        file = site / page_file(url)
        assert file.is_file(), url
        assert file.read_bytes() == client.get(url).get_data(), url
        page = read(file)
        assert page.html["lang"] == tag, url
    section = read(site / page_file(f"/{tag}/{LEAFLET}/{SECTIONS[1]}"))
    assert section.select("#main .sentence[data-sentence]") and not section.select('[data-sentence-action="ask"], .teach-back-staff')
    assert section.select_one("h1").get_text(strip=True) == expected(tag, "What is a Trigger Point Injection?")
    contents = read(site / page_file(f"/{tag}/{LEAFLET}/"))
    assert contents.select_one("h1").get_text(strip=True) == expected(tag, "Trigger Point Injections")


def test_the_start_screen_and_the_404_page(exported):
    _, site, _ = exported
    start = read(site / "index.html")
    assert start.html["lang"] == "en"
    assert start.select_one("h1").get_text(strip=True) == "Choose your language"
    missing = read(site / "404.html")
    assert missing.html["lang"] == "en"
    assert missing.select_one("h1").get_text(strip=True) == "Page not found"
    assert missing.select_one("#main a.button.primary")["href"] == "/"


def references(site: Path):
    """(page, path) for every /static, /vendor, /fonts and /audio reference in an exported page."""
    for page in site.rglob("*.html"):
        for tag in read(page).find_all(True):
            for name, value in tag.attrs.items():
                if name in ("href", "src") or name.startswith("data-"):
                    for url in re.findall(r"/(?:static|vendor|fonts|audio)/[^\"'\s,\]}]+", value):
                        yield page, urlsplit(url).path


def test_every_reference_in_every_page_is_in_the_export(exported):
    _, site, _ = exported
    found = {path for _, path in references(site)}
    assert {p.split("/")[1] for p in found} == {"static", "vendor", "fonts", "audio"}
    dangling = sorted({f"{page.relative_to(site)}: {path}" for page, path in references(site)
                       if not (site / unquote(path).lstrip("/")).is_file()})
    assert dangling == []


def test_every_url_in_every_stylesheet_is_in_the_export(exported):
    _, site, _ = exported
    sheets = list(site.rglob("*.css"))
    assert any("fontsource" in str(s) for s in sheets) and (site / "static" / "kiosk.css") in sheets
    # The Chinese and Korean faces made at set-up, with the files they name.
    assert {site / "fonts" / "noto-sans-sc.css", site / "fonts" / "noto-sans-kr.css"} <= set(sheets)
    dangling, fonts = [], 0
    for sheet in sheets:
        own = "/" + sheet.relative_to(site).as_posix()
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", sheet.read_text(encoding="utf-8")):
            if ref.startswith("data:"):
                continue
            path = unquote(urlsplit(urljoin(own, ref)).path)
            fonts += path.endswith((".woff2", ".woff"))
            if not (site / path.lstrip("/")).is_file():
                dangling.append(f"{own}: {ref}")
    assert fonts > 50 and dangling == []


def test_every_module_a_script_imports_is_exported(exported):
    """The kiosk's scripts are ES modules: page.js and focus.js are named by no page, only
    by the `import`s of the scripts that are; a module missing from the export stops them all."""
    app, site, report = exported
    scripts = list((site / "static").glob("*.js"))
    missing = [f"{script.name}: {name}" for script in scripts
               for name in re.findall(r"""from\s+["']\./([^"']+)["']""", script.read_text(encoding="utf-8"))
               if not (site / "static" / name).is_file()]
    assert {"page.js", "focus.js"} <= {s.name for s in scripts} and missing == []


def test_only_what_a_patient_may_see(exported):
    app, site, report = exported
    names = [p.relative_to(site).as_posix() for p in site.rglob("*")]
    assert not [n for n in names if re.search(r"staff|healthz|settings\.json|staff_pin|instance", n)]
    # lexicon/: the pronunciations the audio was made with, as PLS (_export_lexicons). This test
    # once swapped in a speech layer without the shipped lexicons, and so never saw them.
    assert {n.split("/")[0] for n in names} == {
        *LOCALES, "index.html", "404.html", "static", "vendor", "fonts", "audio", "lexicon"}
    # No staff script or stylesheet either: only what the pages reference.
    assert not (site / "static" / "staff.js").exists()


def test_every_clip_is_ogg_vorbis_saying_its_own_text(exported):
    app, site, report = exported
    speech = app_state(app).speech
    clips = sorted((site / "audio").glob("*.ogg"))
    assert report.speech == "on" and report.clips_missing == 0 and report.problems == []
    assert len(clips) == report.clips == len(speech.keys()) > 100
    for clip in clips:
        info = soundfile.info(str(clip))
        assert (info.format, info.subtype) == ("OGG", "VORBIS") and info.frames > 0
        assert spoken_text(clip) == speech.job(clip.stem).text
    # The Spanish section's first sentence, as the page names it.
    section = read(site / page_file(f"/es/{LEAFLET}/{SECTIONS[0]}"))
    first = section.select_one("#main h1 .sentence[data-clip]")
    assert spoken_text(site / first["data-clip"].lstrip("/")) == first.get_text()


def test_the_shipped_nginx_config_sends_the_kiosks_security_headers():
    conf = (ROOT / "deploy" / "nginx" / "kiosk-export.conf").read_text()
    sent = dict(re.findall(r'(?m)^\s*add_header ([\w-]+) "([^"]*)" always;', conf))
    assert {name: sent.get(name) for name in HEADERS} == HEADERS


def test_a_folder_with_something_in_it_is_refused_without_force(tmp_path):
    (tmp_path / "keep.txt").write_text("the clinic's")
    result = CliRunner().invoke(cli.main, ["export", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path} is not empty" in result.output and "--force" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    check_target(tmp_path, force=True)  # with --force it goes ahead
    with pytest.raises(ExportError, match="is a file"):
        check_target(tmp_path / "keep.txt", force=True)


def test_the_command_says_what_it_wrote_and_that_speech_is_off(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(cli.main, ["export", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert f"Wrote {tmp_path / 'site'}" in result.output
    assert re.search(r"\d+ pages in 14 languages", result.output)
    assert "0 clips" in result.output
    assert "speech is turned off" in result.output and "no audio" in result.output
    assert (tmp_path / "site" / "es" / "index.html").is_file()
    # Without a voice the pages say so, rather than offering a player that cannot play.
    section = read(tmp_path / "site" / page_file(f"/es/{LEAFLET}/{SECTIONS[0]}"))
    assert section.select_one("#player") is None


def test_the_pronunciations_go_with_the_export_as_pls(tmp_path):
    """The entries the export's audio was made with, one PLS file a language, as the staff
    screen imports them; a language without entries has no file."""
    from kiosk.jobs.export import _export_lexicons, Report
    from kiosk.speech import lexicon

    app = create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(tmp_path / "instance"))
    lexicons = app_state(app).speech.lexicons
    report = Report(tmp_path / "site")
    _export_lexicons(app, report.dest, report)
    with_entries = sorted(tag for tag in LOCALES if lexicons[tag].entries)
    assert with_entries, "the kiosk ships pronunciations for some languages"
    assert sorted(report.lexicons) == [f"lexicon/{tag}.pls" for tag in with_entries]
    assert sorted(p.name for p in (report.dest / "lexicon").iterdir()) == [f"{tag}.pls" for tag in with_entries]
    for tag in with_entries:
        assert lexicon.from_pls((report.dest / "lexicon" / f"{tag}.pls").read_bytes()) == (tag, lexicons[tag])


def test_the_export_carries_the_clips_of_a_chosen_piper_voice(tmp_path, fake_clips):
    """English chosen to speak with a Piper voice: its clips in the export are that voice's, and
    the other languages' are eSpeak's. Piper here is a stand-in (speech/fakes.FakePiperEngine)
    behind the kiosk's own EngineRouter: the real voice would take minutes for every English
    clip (tests/speech/test_piper.py tests its audio)."""
    from kiosk.speech.engines import EngineRouter
    from speech.fakes import FAKE_PIPER_VOICE, FakePiperEngine

    fake_clips(tmp_path / "audio", FakeEngine)  # the eSpeak clips made already
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.json").write_text(f'{{"voices": {{"en": "{FAKE_PIPER_VOICE.id}"}}}}')
    router = EngineRouter(ThreadExecutor(FakeEngine), lambda: [FAKE_PIPER_VOICE],
                          lambda factory, timeout: ThreadExecutor(FakePiperEngine))
    app = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(tmp_path / "audio")}, instance_path=str(instance),
                     speech_executor=router)
    speech = app_state(app).speech
    try:
        report = export(app, tmp_path / "site")
        assert report.clips_missing == 0 and report.clips == len(speech.keys())
        said = {clip.stem: spoken_text(clip) for clip in (tmp_path / "site" / "audio").glob("*.ogg")}
        by_language = {}
        for key, job, tag in speech.registry.jobs():
            by_language.setdefault(tag, set()).add(said[key].startswith("piper: "))
        assert by_language == {"en": {True}, "es": {False}, "ar": {False}}
        # The English section's first sentence, as the exported page names it, in the Piper voice.
        section = read(tmp_path / "site" / page_file(f"/en/{LEAFLET}/{SECTIONS[0]}"))
        first = section.select_one("#main h1 .sentence[data-clip]")
        assert spoken_text(tmp_path / "site" / first["data-clip"].lstrip("/")) == f"piper: {first.get_text()}"
    finally:
        speech.close()
