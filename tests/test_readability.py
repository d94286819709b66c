"""Readability: the summaries are easy to read, the library works offline, and
staff see the scores."""

import os
import subprocess
import sys

import pytest

from kiosk import ROOT
from kiosk.content import load_leaflet
from kiosk.content.readability import FORMULAS, measure
from kiosk.speech.sentences import split_sentences

from helpers import LEAFLET
from kiosk.state import app_state

SECTIONS = load_leaflet(ROOT / "leaflets" / f"{LEAFLET}.toml").sections


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
def test_each_summary_is_short_and_plain(section):
    sentences = split_sentences(section.summary)
    assert 2 <= len(sentences) <= 4
    assert max(len(s.split()) for s in sentences) <= 15
    scores = measure(sentences, "en")
    assert scores.score("Flesch-Kincaid grade") <= 6
    assert scores.score("SMOG grade") <= 7


def test_the_last_summary_asks_for_the_leaflets_action():
    last = SECTIONS[-1].summary
    assert "Call your doctor if they last or get worse." in last
    assert "allergies" in last


def test_other_languages_get_their_own_formula_or_none():
    assert [f.name for f in FORMULAS["es"]] == ["Fernández-Huerta"]
    assert "vi" not in FORMULAS  # not measured, rather than an English grade
    assert measure(["Một câu ngắn.", "Hai câu."], "vi").scores == ()
    assert measure(["这是一句话。"], "zh-Hans").unit == "characters"


def test_the_library_needs_no_download():
    """textstat 0.7.9 and later fetch NLTK's cmudict at run time; this one must not touch the network."""
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from textstat.textstat import textstatistics\n"
        "t = textstatistics()\n"
        "assert t.flesch_kincaid_grade('Trigger points are small spots in a muscle that are very tender.') > 0\n"
        "assert t.smog_index('A long-term illness that causes pain. People with it feel very tired. It lasts.') > 0\n"
        "assert 'nltk' not in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NLTK")}
    env.update(HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", NLTK_DATA="/nonexistent")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_staff_see_the_scores_once_worked_out(app, client):
    from helpers import soup
    from kiosk.staff import pin
    from test_staff import log_in

    pin.save(app.instance_path, "482913")
    log_in(client)
    page = soup(client.get("/staff/"))
    english = page.select_one(f"#readability-{LEAFLET}-en-text").get_text(" ", strip=True)
    assert "Flesch-Kincaid grade" in english and "SMOG grade" in english
    spanish = page.select_one(f"#readability-{LEAFLET}-es-summary").get_text(" ", strip=True)
    assert "Fernández-Huerta" in spanish
    assert "Not measured" in page.select_one(f"#readability-{LEAFLET}-vi-text").get_text()
    # Once per app: the second screen reuses the first's scores.
    first = app_state(app).readability
    client.get("/staff/")
    assert app_state(app).readability is first
