"""The pronunciation lexicon: whole words, case as written, the clip keys, PLS files, and eSpeak NG."""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from pathlib import Path

import pytest

from kiosk.speech import lexicon
from kiosk.speech.registry import SCHEMA, clip_key
from kiosk.speech.synthesizer import synthesize_clip
from kiosk.speech.engine import Job, LexiconEntry
from kiosk.speech.lexicon import Lexicon, LexiconError, Lexicons, entry, from_pls, respell, to_pls
from kiosk.speech.produce import spoken_text
from kiosk.speech.wav import speech_units

from .fakes import FakeEngine, spoken_text as said_in

ROOT = Path(__file__).resolve().parents[2]
MYOFASCIAL = LexiconEntry("myofascial", "my oh fash ee al")
TPI = LexiconEntry("TPI", "T P I")


class RespellingFake(FakeEngine):
    """A fake engine that takes the lexicon as eSpeak does: what it writes names the spoken text."""

    def apply_lexicon(self, text, entries):
        return respell(text, entries)


# Whole words, case as written


@pytest.mark.parametrize("text, found", [
    ("Myofascial pain is common.", ()),  # case as written
    ("A myofascial trigger point.", (MYOFASCIAL,)),
    ("Non-myofascial pain.", (MYOFASCIAL,)),  # a hyphen ends a word
    ("The myofascialis muscle.", ()),  # not inside a longer word
    ("What is a TPI? A TPI is a shot.", (TPI,)),
    ("TPIs and myofascial pain, then a TPI.", (MYOFASCIAL, TPI)),  # in order of first use
])
def test_entries_match_whole_words_as_written(text, found):
    assert Lexicon.of([TPI, MYOFASCIAL]).matching(text) == found


def test_respelling_changes_the_words_only():
    assert respell("A TPI for myofascial pain.", [TPI, MYOFASCIAL]) == "A T P I for my oh fash ee al pain."


def test_the_texts_own_double_brackets_never_become_phoneme_input():
    assert "[[" not in respell("See [[note]] below.", [])


def test_a_longer_entry_wins_over_a_shorter_one_inside_it():
    pain = LexiconEntry("myofascial pain", "my oh fash ee al payn")
    assert respell("Myofascial: myofascial pain.", [MYOFASCIAL, pain]) == "Myofascial: my oh fash ee al payn."


@pytest.mark.parametrize("grapheme, say, message", [
    ("", "x", "Type the word"),
    ("myofascial", "", "how “myofascial” should be said"),
    ("[[a]]", "x", "cannot be an entry"),
    ("a.b", "x", "cannot be an entry"),
    ("x" * 61, "x", "cannot be an entry"),
    ("myofascial", "my [oh] fash", "double brackets"),
    ("myofascial", "[[m,aI]] and more", "double brackets"),
    ("myofascial", "x" * 201, "too long"),
    # Issue 28: a control character is not "too long".
    ("myofascial", "my oh\x00 fash", "control character"),
    ("myo\x1bfascial", "x", "control character"),
    ("myofascial", "my oh \x9bfash", "control character"),
])
def test_bad_entries_are_refused_in_plain_words(grapheme, say, message):
    with pytest.raises(LexiconError, match=message.replace("[", r"\[")):
        entry(grapheme, say)


@pytest.mark.parametrize("written, text", [
    ("दवा", "यह दवा दिन में दो बार लें।"),  # Hindi: the vowel sign "ा" is a combining mark
    ("دَوَاء", "خذ هذا دَوَاء مرتين."),  # Arabic with harakat
    (unicodedata.normalize("NFD", "café"), "Un café, s'il vous plaît."),  # decomposed, the text composed
    ("café", unicodedata.normalize("NFD", "Un café, s'il vous plaît.")),  # and the other way round
])
def test_entries_in_every_script_are_taken_in_nfc_and_match_whole_words(written, text):
    item = entry(written, "x")
    assert item.grapheme == unicodedata.normalize("NFC", written)
    assert Lexicon.of([item]).matching(text) == (item,)
    assert respell(text, [item]).count("x") >= 1


def test_a_word_does_not_match_inside_a_longer_one_that_goes_on_with_a_mark():
    # "दव" and then the vowel sign "ा": one word "दवा", not "दव" and a letter.
    assert Lexicon.of([entry("दव", "x")]).matching("यह दवा लें।") == ()


def test_merging_adds_and_replaces_but_keeps_the_others():
    merged = Lexicon.of([TPI, MYOFASCIAL]).merged(Lexicon.of([LexiconEntry("TPI", "tippy"), LexiconEntry("EMG", "E M G")]))
    assert merged.entries == (LexiconEntry("EMG", "E M G"), MYOFASCIAL, LexiconEntry("TPI", "tippy"))


def test_a_phoneme_entry_is_kept_with_its_brackets():
    item = entry(" myofascial ", " [[m,aIoUf'aSi@l]] ")
    assert item == LexiconEntry("myofascial", "[[m,aIoUf'aSi@l]]") and item.phonemes == "m,aIoUf'aSi@l"


# Clip keys


def test_a_text_no_entry_touches_keeps_the_key_it_had_without_a_lexicon():
    # The key as it was before there were lexicons: every clip cached then is still found.
    material = json.dumps([SCHEMA, "e", "v", 150, "Hello."], ensure_ascii=False).encode("utf-8")
    assert clip_key("Hello.", "v", 150, "e", ()) == hashlib.sha256(material).hexdigest()
    assert clip_key("A TPI.", "v", 150, "e", (TPI,)) != clip_key("A TPI.", "v", 150, "e")
    assert clip_key("A TPI.", "v", 150, "e", (TPI,)) != clip_key("A TPI.", "v", 150, "e", (LexiconEntry("TPI", "tippy"),))


def test_a_changed_entry_makes_a_new_clip_and_a_removed_one_brings_the_old_clip_back(make_speech):
    engine = RespellingFake()
    speech = make_speech(engine)
    text = "A myofascial trigger point."
    before = speech.register(text, "en")
    old_clip = speech.clip_path(before)
    assert said_in(old_clip) == text

    speech.use_lexicons(Lexicons({"en": Lexicon.of([MYOFASCIAL])}))
    after = speech.register(text, "en")
    assert after != before
    assert said_in(speech.clip_path(after)) == "A my oh fash ee al trigger point."
    # A page rendered before the change still names the old clip: it is still served.
    assert speech.clip_path(before) == old_clip
    assert speech.missing() == []  # only the current keys are counted

    speech.use_lexicons(Lexicons({"en": Lexicon()}))
    assert speech.register(text, "en") == before
    calls = len(engine.calls)
    assert speech.clip_path(before) == old_clip and len(engine.calls) == calls  # from the cache


def test_a_respelling_many_times_the_word_still_makes_a_clip_that_is_kept(make_speech, tmp_path):
    """Issue 28: "TPI" respelled to 200 characters made every clip with it fail the length
    check (measured on the written word), and the patient's clip answered 503 for good."""
    long = LexiconEntry("TPI", " ".join(["tee pee eye"] * 18)[:200])
    speech = make_speech(RespellingFake())
    speech.use_lexicons(Lexicons({"en": Lexicon.of([long])}))
    key = speech.register("A TPI.", "en")
    clip = speech.clip_path(key)
    assert said_in(clip) == f"A {long.say}."
    # Found again by a fresh cache (after a restart), not thrown away as the wrong length.
    again = make_speech(RespellingFake())
    again.use_lexicons(Lexicons({"en": Lexicon.of([long])}))
    assert again.cache.find(key, speech.job(key)) == clip


def test_entries_apply_in_the_sentences_own_language_only(make_speech):
    speech = make_speech(RespellingFake())
    speech.use_lexicons(Lexicons({"en": Lexicon.of([TPI])}))
    spanish = speech.register("Una TPI.", "es")
    english = speech.register("A TPI.", "en")
    assert speech.job(spanish).lexicon == () and speech.job(english).lexicon == (TPI,)


def test_an_engine_without_a_lexicon_method_is_handed_the_text_as_shown():
    job = Job("A TPI.", "v", 150, (TPI,))
    assert spoken_text(FakeEngine(), job) == "A TPI."
    assert spoken_text(RespellingFake(), job) == "A T P I."


# PLS 1.0


def test_pls_round_trip_keeps_respellings_and_phonemes():
    original = Lexicon.of([TPI, MYOFASCIAL, LexiconEntry("fibromyalgia", "[[f,aIbroUmaI'aldZ@]]")])
    data = to_pls("en", original)
    assert b'xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"' in data
    assert b"<alias>T P I</alias>" in data and b"<phoneme>f,aIbroUmaI'aldZ@</phoneme>" in data
    assert from_pls(data) == ("en", original)


def test_a_pls_file_from_another_product_is_read():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
    <lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
             alphabet="ipa" xml:lang="en-US">
      <meta name="author" content="someone"/>
      <lexeme><grapheme>TPI</grapheme><grapheme>T.P.I.</grapheme><alias>T P I</alias></lexeme>
      <lexeme><grapheme>myofascial</grapheme><phoneme>ma\xc9\xaao\xca\x8a\xcb\x88f\xc3\xa6\xca\x83i\xc9\x99l</phoneme>
        <alias>my oh fash ee al</alias></lexeme>
    </lexicon>"""
    with pytest.raises(LexiconError, match="cannot be an entry"):
        from_pls(data)  # "T.P.I." is not whole words
    tag, read = from_pls(data.replace(b"<grapheme>T.P.I.</grapheme>", b""))
    assert tag == "en-US" and read.entries == (MYOFASCIAL, TPI)


PLS_ROOT = b'<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"'
IPA_ROOT = PLS_ROOT + b' alphabet="ipa"'


def pls(body: bytes, root: bytes = PLS_ROOT) -> bytes:
    """A document around `body` whose root's start tag is `root` (open, without its ">")."""
    return root + b">" + body + b"</lexicon>"


@pytest.mark.parametrize("data, message", [
    (b"<lexicon", "not readable XML"),
    (b"<html><body>hi</body></html>", "not a pronunciation lexicon"),
    (b'<?xml version="1.0"?><!DOCTYPE lexicon [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
     b"<lexicon><lexeme><grapheme>x</grapheme><alias>&b;</alias></lexeme></lexicon>", "DTD or entities"),
    (b'<?xml version="1.0"?><!DOCTYPE lexicon [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b"<lexicon><lexeme><grapheme>x</grapheme><alias>&x;</alias></lexeme></lexicon>", "DTD or entities"),
    (pls(b'<lexeme><grapheme>x</grapheme><phoneme>\xc9\x99</phoneme></lexeme>', IPA_ROOT),
     "alphabet"),
    (pls(b"<lexeme><grapheme>w%d</grapheme><alias>x</alias></lexeme>" * 2), "cannot be an entry"),
    (pls(b"".join(b"<lexeme><grapheme>w%d</grapheme><alias>x</alias></lexeme>" % i for i in range(301))),
     "more than 300"),
    # Issue 28: not PLS 1.0, whatever the element names say.
    (pls(b"", b'<lexicon version="1.0" xmlns="http://example.com/not-pls"'), "not a pronunciation lexicon"),
    (pls(b"", b'<lexicon version="1.0"'), "not a pronunciation lexicon"),
    (pls(b"", b'<lexicon version="9.9" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"'), "version 1.0 only"),
    (pls(b"", b'<lexicon xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"'), "version 1.0 only"),
    # An alias is written words: eSpeak's [[...]] there would be phonemes whatever the alphabet says.
    (pls(b"<lexeme><grapheme>TPI</grapheme><alias>[[t,i:p,i:'aI]]</alias></lexeme>",
         IPA_ROOT), "write it as words"),
    # The same word twice, said two ways: named, not the last one taken.
    (pls(b"<lexeme><grapheme>TPI</grapheme><alias>T P I</alias></lexeme>"
         b"<lexeme><grapheme>TPI</grapheme><alias>tippy</alias></lexeme>"), "“TPI” two different ways"),
])
def test_hostile_or_broken_pls_is_refused_with_a_plain_reason(data, message):
    with pytest.raises(LexiconError, match=message):
        from_pls(data)


# Files


def test_a_corrupt_lexicon_file_logs_one_line_and_the_shipped_one_is_used(tmp_path, caplog):
    shipped = tmp_path / "shipped"
    lexicon.save(shipped.parent, "x", Lexicon())  # makes the folder
    (shipped).mkdir()
    (shipped / "en.pls").write_bytes(to_pls("en", Lexicon.of([TPI])))
    lexicon.instance_file(tmp_path, "en").parent.mkdir(exist_ok=True)
    lexicon.instance_file(tmp_path, "en").write_bytes(b"<lexicon><lexeme>")
    with caplog.at_level(logging.ERROR):
        loaded = lexicon.load(tmp_path, shipped, ["en", "es"])
    assert [r.getMessage().count("\n") for r in caplog.records] == [0]
    assert "lexicon" in caplog.records[0].getMessage()
    assert loaded["en"].entries == (TPI,)


def test_a_saved_lexicon_replaces_the_shipped_one_even_when_empty(tmp_path):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "en.pls").write_bytes(to_pls("en", Lexicon.of([TPI])))
    lexicon.save(tmp_path, "en", Lexicon())
    assert lexicon.load(tmp_path, shipped, ["en"])["en"].entries == ()


def test_the_shipped_english_lexicon_covers_the_leaflets_hard_terms():
    _, shipped = from_pls((ROOT / "lexicons" / "en.pls").read_bytes())
    words = {e.grapheme for e in shipped.entries}
    assert {"TPI", "myofascial", "fibromyalgia", "musculoskeletal", "anesthetic", "lightheadedness",
            "Lightheadedness"} <= words


# The real engine: an entry changes what is said, not only the key


@pytest.fixture(scope="module")
def phonemes():
    from kiosk.speech.phonemes import Phonemes

    return Phonemes()


def test_an_entry_changes_the_phonemes_espeak_says(phonemes):
    from kiosk.speech.espeak import EspeakEngine

    job = Job("Myofascial pain: myofascial pain.", "en-us", 150, (MYOFASCIAL,))
    # The text the eSpeak engine is handed (apply_lexicon, unbound: no engine is started here).
    said = spoken_text(type("Engine", (), {"apply_lexicon": EspeakEngine.apply_lexicon})(), job)
    default, corrected = phonemes.of("myofascial", "en-us"), phonemes.of(said, "en-us")
    assert "eɪʃ" in default and "æʃ" not in default  # "my-oh-FAY-shial", as the issue says
    capitalised, lower = corrected.split(" pˈeɪn ", 1)
    assert capitalised == default  # "Myofascial": case as written, so no entry applies
    assert "fˈæʃ" in lower and "eɪʃ" not in lower  # "my-oh-FASH-ee-al"


def test_a_phoneme_entry_is_read_as_phonemes_not_spelled_out(real_executor, tmp_path):
    """The PHONEMES flag (espeak._PhonemeInput) is on: "[[...]]" is the word, not its letters read out."""
    voice = "gmw/en-us"
    word = Job("myofascial", voice, 150, (LexiconEntry("myofascial", "[[m,aIoUf'aSi@l]]"),))
    letters = Job("m,aIoUf'aSi@l", voice, 150)  # what eSpeak reads without the flag
    plain = Job("myofascial", voice, 150)
    frames = {name: synthesize_clip(real_executor, job, tmp_path / f"{name}.ogg").frames
              for name, job in (("word", word), ("letters", letters), ("plain", plain))}
    assert frames["word"] < 0.8 * frames["letters"]
    assert abs(frames["word"] - frames["plain"]) < 0.2 * frames["plain"]
