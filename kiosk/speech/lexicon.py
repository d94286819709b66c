"""The pronunciation lexicon: per language, written words and how the voice should say them.

An entry is a written form (whole words, case as written) and either a respelling ("TPI" ->
"T P I", "myofascial" -> "my oh fash ee al") or eSpeak NG's own phoneme input between double
brackets ("[[m,aIoUf'aSi@l]]"). Entries apply to the *spoken* text only, in the sentence's own
language: what the page shows, and the sentence highlighting, never change. A clip's key names
the entries that changed its words (clips.clip_key), so a changed entry makes a new clip and a
removed one brings the old key (and its cached clip) back.

How they reach eSpeak NG, and why. pyttsx3's eSpeak driver calls espeak_Synth() with
ENDPAUSE | CHARS_UTF8 only: no espeakSSML (so no <phoneme> or <sub> tags) and no espeakPHONEMES
(so "[[...]]" is read out letter by letter as punctuation and letters). Two ways were open:

- text substitution before synthesis: the respelling is written in place of the word. It works
  with any engine, and is what PLS calls an <alias>. This is how respellings are applied.
- libespeak-ng's espeakPHONEMES flag, which makes "[[...]]" phoneme input. Text substitution
  alone cannot express stress and vowels exactly ("fash ee al" is three stressed words), so the
  eSpeak engine also turns this flag on (espeak.py wraps the driver's Synth, in the worker process
  only), and a phoneme entry is substituted as "[[...]]". With the flag on, a "[[" in the leaflet's
  own text would start phoneme input: respell() breaks every "[[" of the text itself apart first.

espeakSSML was not taken: it would make every "<" and "&" of a translation markup, and the
SSML <phoneme> element of eSpeak NG takes its own mnemonics anyway.

Other engines take the entries or leave them (engine.Engine.apply_lexicon): a recorded-audio
engine would ignore them; SAPI5 or a neural voice could read the PLS file itself.

Storage: one W3C PLS 1.0 file per language (`<tag>.pls`), read with defusedxml (no DTD, no
entities). The kiosk ships reviewed entries in lexicons/ at the repository root; once staff
save a language, its file in the instance folder (instance/lexicon/) is used instead, whole,
so staff may change or remove a shipped entry too. A file that cannot be read is logged in one
line and the kiosk speaks without it (with the shipped entries, as before staff saved).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from ..files import write_atomically
from .engine import Job, LexiconEntry
from .voices import normalize

log = logging.getLogger(__name__)

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# PLS asks for an alphabet; "x-" names a private one. eSpeak NG's phoneme mnemonics (Kirshenbaum-like).
ESPEAK_ALPHABET = "x-espeak"
FOLDER = "lexicon"  # in the instance folder
SUFFIX = ".pls"

# Limits that keep a hand-made or hostile file small (the form's body is capped at 64 KiB anyway).
MAX_ENTRIES = 300  # per language
MAX_GRAPHEME = 60  # characters
MAX_SAY = 200



def _combining_marks() -> str:
    """Every combining mark (Unicode categories Mn, Mc, Me) as a regex class body.

    Python's `\\w` has no marks: a Hindi vowel sign (the "ा" of "दवा"), Arabic harakat and a
    decomposed accent are not word characters to it, so a word with one was refused and an entry
    could match inside a longer word. The stdlib `re` has no `\\p{M}`, so the class is built once."""
    ranges: list[tuple[int, int]] = []
    # Marks live in the first two planes and in the variation selectors of plane 14 only:
    # looking there alone takes a tenth of the time of all 1.1 million code points.
    for code in (*range(0x20000), *range(0xE0100, 0xE01F0)):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# A word character: a letter or digit, or a combining mark, or the zero-width (non-)joiner that
# Persian, Hindi and Bengali write inside words.
WORD_CHAR = r"[\w" + _combining_marks() + "\u200c\u200d]"
# A written form: words of letters or digits, with spaces, hyphens or apostrophes between them.
GRAPHEME = re.compile(rf"{WORD_CHAR}+(?:[\s'’\-]+{WORD_CHAR}+)*")
# Inside [[...]]: anything but brackets and control characters.
PHONEME_INPUT = re.compile(r"\[\[[^\[\]\x00-\x1f]+\]\]")
# C0 and C1 controls (a tab or newline is already a space: entry() folds whitespace first).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class LexiconError(ValueError):
    """An entry or a file that cannot be used; the message says why, in plain words for staff."""


def entry(grapheme: str, say: str) -> LexiconEntry:
    """A checked entry (spaces at the ends dropped), or LexiconError saying what is wrong."""
    # NFC: a word typed with a decomposed accent (macOS, some keyboards) or harakat in another
    # order is the same word as the leaflet's, which is NFC (kiosk/content.py); matching() also
    # compares in NFC.
    grapheme = unicodedata.normalize("NFC", " ".join((grapheme or "").split()))
    say = unicodedata.normalize("NFC", " ".join((say or "").split()))
    if not grapheme:
        raise LexiconError("Type the word as it is written.")
    if CONTROL.search(grapheme) or CONTROL.search(say):
        raise LexiconError("The word or how to say it has an invisible control character "
                           "(pasted from another program?). Type it again.")
    if len(grapheme) > MAX_GRAPHEME or not GRAPHEME.fullmatch(grapheme):
        raise LexiconError(
            f"“{grapheme[:MAX_GRAPHEME]}” cannot be an entry: write one or a few whole words "
            f"(letters or digits, at most {MAX_GRAPHEME} characters)."
        )
    if not say:
        raise LexiconError(f"Type how “{grapheme}” should be said.")
    if len(say) > MAX_SAY:
        raise LexiconError(f"How to say “{grapheme}” is too long: at most {MAX_SAY} characters.")
    if ("[" in say or "]" in say) and not PHONEME_INPUT.fullmatch(say):
        raise LexiconError(
            f"How to say “{grapheme}”: write a respelling without brackets, "
            "or eSpeak phonemes between double brackets, like [[m,aIoUf'aSi@l]]."
        )
    return LexiconEntry(grapheme, say)


@dataclass(frozen=True)
class Lexicon:
    """The entries of one language, sorted by written form; one entry per written form."""

    entries: tuple[LexiconEntry, ...] = ()
    _pattern: re.Pattern | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, entries: Iterable[LexiconEntry]) -> Lexicon:
        by_word = {e.grapheme: e for e in entries}  # the last of the same word wins
        if len(by_word) > MAX_ENTRIES:
            raise LexiconError(f"A language may have at most {MAX_ENTRIES} entries.")
        ordered = tuple(sorted(by_word.values(), key=lambda e: (e.grapheme.casefold(), e.grapheme)))
        pattern = _whole_words(ordered)
        return cls(ordered, pattern)

    def get(self, grapheme: str) -> LexiconEntry | None:
        return next((e for e in self.entries if e.grapheme == grapheme), None)

    def with_entry(self, new: LexiconEntry, replacing: str | None = None) -> Lexicon:
        """This lexicon with `new` added, or in place of `replacing` (its old written form)."""
        kept = [e for e in self.entries if e.grapheme not in (new.grapheme, replacing)]
        return Lexicon.of([*kept, new])

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with every entry of `other` added, in place of any of the same written form."""
        return Lexicon.of([*self.entries, *other.entries])

    def without(self, grapheme: str) -> Lexicon:
        return Lexicon.of(e for e in self.entries if e.grapheme != grapheme)

    def matching(self, text: str) -> tuple[LexiconEntry, ...]:
        """The entries whose written form is a whole word of `text` (case as written), in order of first use."""
        if self._pattern is None:
            return ()
        found: dict[str, LexiconEntry] = {}
        by_word = {e.grapheme: e for e in self.entries}
        for match in self._pattern.finditer(unicodedata.normalize("NFC", text)):
            found.setdefault(match.group(), by_word[match.group()])
        return tuple(found.values())


def _whole_words(entries: tuple[LexiconEntry, ...]) -> re.Pattern | None:
    if not entries:
        return None
    # Longest first, so "TPI injection" wins over "TPI"; no word character (marks included) on
    # either side keeps to whole words: "दव" does not match inside "दवा".
    alternatives = sorted((e.grapheme for e in entries), key=len, reverse=True)
    return re.compile(rf"(?<!{WORD_CHAR})(?:" + "|".join(map(re.escape, alternatives)) + rf")(?!{WORD_CHAR})")


def respell(text: str, entries: Iterable[LexiconEntry]) -> str:
    """`text` as eSpeak NG should say it: each entry's whole words replaced by its respelling or
    its `[[...]]` phoneme input. Any "[[" of the text itself is broken apart, as the eSpeak
    engine synthesizes with phoneme input on (see the module's docstring)."""
    text = unicodedata.normalize("NFC", text).replace("[[", "[ [")
    lexicon = Lexicon.of(entries)
    if lexicon._pattern is None:
        return text
    by_word = {e.grapheme: e for e in lexicon.entries}
    return lexicon._pattern.sub(lambda m: by_word[m.group()].say, text)


def said(job: Job) -> str | None:
    """The text of `job` as the eSpeak engine is handed it (respelled), or None when no entry
    changes it: what the server checks a clip's length against (wav.check_length), as it cannot
    ask the worker's engine."""
    return respell(job.text, job.lexicon) if job.lexicon else None


class Lexicons:
    """Every language's lexicon, by language tag (as the kiosk names its languages)."""

    def __init__(self, by_tag: Mapping[str, Lexicon] | None = None) -> None:
        self._by_tag = {normalize(tag): lexicon for tag, lexicon in (by_tag or {}).items() if lexicon.entries}
        material = json.dumps(
            sorted((tag, [[e.grapheme, e.say] for e in lex.entries]) for tag, lex in self._by_tag.items()),
            ensure_ascii=False,
        )
        # Names this set of entries: pages carry clip URLs, so it is part of a kept page's key.
        self.digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]

    def __getitem__(self, tag: str) -> Lexicon:
        return self._by_tag.get(normalize(tag), Lexicon())

    def matching(self, tag: str, text: str) -> tuple[LexiconEntry, ...]:
        """The entries of `tag`'s lexicon that change how `text` is said."""
        lexicon = self._by_tag.get(normalize(tag))
        return lexicon.matching(text) if lexicon else ()

    def replaced(self, tag: str, lexicon: Lexicon) -> Lexicons:
        return Lexicons({**self._by_tag, normalize(tag): lexicon})


# --- W3C Pronunciation Lexicon Specification 1.0 --------------------------------------------

def to_pls(tag: str, lexicon: Lexicon) -> bytes:
    """`lexicon` as a PLS 1.0 document for the language `tag`."""
    root = Element("lexicon", {
        "version": "1.0", "xmlns": PLS_NAMESPACE, "alphabet": ESPEAK_ALPHABET, XML_LANG: tag,
    })
    for item in lexicon.entries:
        lexeme = SubElement(root, "lexeme")
        SubElement(lexeme, "grapheme").text = item.grapheme
        if item.phonemes is not None:
            SubElement(lexeme, "phoneme").text = item.phonemes
        else:
            SubElement(lexeme, "alias").text = item.say
    indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def from_pls(data: bytes) -> tuple[str | None, Lexicon]:
    """The language (xml:lang) and the entries of a PLS 1.0 document, or LexiconError.

    defusedxml refuses a DTD and any entity (the "billion laughs" and external entities). The
    root must be PLS 1.0's <lexicon>, in its namespace and version: a file in another format or
    version may mean something else by the same element names. A <phoneme> is taken only in
    eSpeak NG's alphabet ("x-espeak"), since the engine can say no other; an <alias> is a
    respelling, never phonemes. A written form given twice with different pronunciations is
    refused, naming it: the kiosk does not pick one for staff.
    """
    try:
        root = safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise LexiconError("The file was refused: it declares a DTD or entities, which a lexicon does not need.") from None
    except (ParseError, ValueError, UnicodeError) as error:
        raise LexiconError(f"The file is not readable XML ({error}).") from None
    if root.tag != f"{{{PLS_NAMESPACE}}}lexicon":
        raise LexiconError(
            "The file is not a pronunciation lexicon (PLS 1.0): its first element is not <lexicon> "
            f"in the namespace {PLS_NAMESPACE}."
        )
    if root.get("version") != "1.0":
        raise LexiconError(f"The file is PLS version “{root.get('version', '')}”; the kiosk reads version 1.0 only.")
    alphabet = root.get("alphabet", "")
    entries: dict[str, LexiconEntry] = {}
    conflicts: list[str] = []
    for lexeme in root:
        if _local(lexeme.tag) != "lexeme":
            continue  # <meta>, <metadata>: nothing the kiosk uses
        graphemes = [(g.text or "").strip() for g in lexeme if _local(g.tag) == "grapheme"]
        say = _say(lexeme, alphabet, graphemes)
        for grapheme in graphemes:
            item = entry(grapheme, say)
            earlier = entries.setdefault(item.grapheme, item)
            if earlier != item and item.grapheme not in conflicts:
                conflicts.append(item.grapheme)
            if len(entries) > MAX_ENTRIES:
                raise LexiconError(f"The file has more than {MAX_ENTRIES} entries.")
    if conflicts:
        names = ", ".join(f"“{word}”" for word in conflicts[:10])
        raise LexiconError(f"The file says {names} two different ways. Keep one of them in the file and import it again.")
    return root.get(XML_LANG), Lexicon.of(entries.values())


def _say(lexeme: Element, alphabet: str, graphemes: list[str]) -> str:
    name = f"“{graphemes[0]}”" if graphemes else "an entry"
    if not graphemes:
        raise LexiconError("An entry of the file has no <grapheme>.")
    for child in lexeme:
        if _local(child.tag) == "alias" and (child.text or "").strip():
            if "[[" in child.text or "]]" in child.text:
                # PLS: an alias is written words. With the eSpeak engine's phoneme input on, "[["
                # here would be taken as eSpeak phonemes whatever the file's alphabet says.
                raise LexiconError(f"The respelling (<alias>) of {name} has [[ ]]: write it as words; "
                                   f"phonemes go in <phoneme alphabet=\"{ESPEAK_ALPHABET}\">.")
            return child.text
    for child in lexeme:
        if _local(child.tag) == "phoneme" and (child.text or "").strip():
            if child.get("alphabet", alphabet) != ESPEAK_ALPHABET:
                raise LexiconError(
                    f"The phonemes for {name} are in the “{child.get('alphabet', alphabet)}” alphabet; "
                    f"this voice takes only “{ESPEAK_ALPHABET}” (eSpeak NG's) or an <alias>."
                )
            return f"[[{child.text.strip()}]]"
    raise LexiconError(f"The entry for {name} has no <alias> or <phoneme>.")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


# --- Files -----------------------------------------------------------------------------------

def instance_file(instance_path: str | Path, tag: str) -> Path:
    return Path(instance_path) / FOLDER / f"{tag}{SUFFIX}"


def read_file(path: Path) -> Lexicon:
    """The entries of one PLS file (LexiconError or OSError when it cannot be used)."""
    _, lexicon = from_pls(path.read_bytes())
    return lexicon


def load(instance_path: str | Path, shipped: str | Path, tags: Iterable[str]) -> Lexicons:
    """Every language's lexicon: the staff's file in the instance folder, else the shipped one.

    A file that cannot be used is logged in one line and left out (the shipped entries stand in
    for a staff file): the kiosk speaks without it rather than not at all.
    """
    by_tag = {}
    for tag in tags:
        for path in (instance_file(instance_path, tag), Path(shipped) / f"{tag}{SUFFIX}"):
            try:
                by_tag[tag] = read_file(path)
                break
            except FileNotFoundError:
                continue
            except (OSError, LexiconError) as error:
                log.error("pronunciation lexicon %s ignored: %s", path, str(error).splitlines()[0] if str(error) else type(error).__name__)
    return Lexicons(by_tag)


def save(instance_path: str | Path, tag: str, lexicon: Lexicon) -> None:
    """Write the staff's lexicon of `tag` whole, atomically (an empty one too: shipped entries stay removed)."""
    write_atomically(instance_file(instance_path, tag), to_pls(tag, lexicon), mode=0o644)
