"""Ask staff about this: a patient flags one sentence of a section for staff.

Which sentence. Every sentence a patient can flag carries
data-sentence="<message id>:<n>": a short hash of its English catalog message (msgid) and
its place among that message's sentences as shown, split by the same splitter as the
read-aloud (kiosk/speech/sentences.py). The server resolves it against the section's own
messages (its clinic text and its "In short"), in the page's language, so a flag can only
name a sentence that is on that page (404 for any other). Why not the text itself, or a
running number: the text is the patient's to send and the server's to check, so the
server derives it instead of trusting it; a running number over the section shifts when a
block is added, while the msgid's hash follows its own paragraph and changes only when its
English does, which re-renders the page anyway. The English source is the sentence at the
same place in the English message when both split into as many sentences; otherwise the
whole English paragraph, and the staff screen says so, rather than a wrong sentence.

Who may ask. Patient pages have no session (nothing per patient on the server), so the
app-wide CSRFProtect, which keeps its token in the session, cannot guard this route;
instead it takes only a same-origin POST: Sec-Fetch-Site "same-origin" when the browser
sends it, else an Origin equal to the kiosk's own. The kiosk's name comes from a cookie that
staff set at that kiosk (kiosk/staff/views.py, name_kiosk); SameSite=Strict, so another site
cannot send it either.

Limits: PER_KIOSK open questions a kiosk and TOTAL in all (kiosk/questions.py), then a
plain message in the patient's language (429). Nothing is logged: not the sentence, not
the address.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote, unquote, urlsplit

from flask import Flask, abort, current_app, render_template, request

from .content import Section
from .i18n import SOURCE_LOCALE, current_tag, localize
from .questions import Question, Shown, TooMany
from .speech.sentences import split_sentences
from .views import find_leaflet, pages
from .web.errors import MESSAGES, N_, OTHER

# The cookie that names this kiosk: set by staff at the kiosk, kept by its browser across idle
# resets (idle.js clears sessionStorage and localStorage only) for ten years.
KIOSK_COOKIE = "kiosk_name"
KIOSK_COOKIE_AGE = 10 * 365 * 24 * 3600
NAME_LENGTH = 40
# Letters, digits, spaces and a little punctuation in any script: a name staff read, never markup.
_NAME = re.compile(r"[\w .,'()#&/-]+")
_SENTENCE = re.compile(r"(?P<message>[0-9a-f]{12}):(?P<index>[0-9]{1,3})")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,64}")

TOO_MANY_HERE = N_("Staff already have several questions from this kiosk. Please wait here; a member of staff will come to you.")
TOO_MANY_AT_ALL = N_("Staff cannot take more questions right now. Please ask at the reception desk.")


def message_id(message: str) -> str:
    """The short hash that names a catalog message in data-sentence (48 bits: no two of a
    section's messages collide)."""
    return hashlib.sha256(message.encode("utf-8")).hexdigest()[:12]


def sentence_ref(message, index: int) -> str | None:
    """data-sentence for the `index`th sentence of `message` (None for a Phrase, which is
    the kiosk's own words, not the leaflet's)."""
    return f"{message_id(message)}:{index}" if isinstance(message, str) else None


def flaggable(section: Section):
    """The messages a patient can flag a sentence of: the section's text and its "In short"."""
    yield from section.messages()
    if section.summary:
        yield section.summary


def enabled() -> bool:
    """Off in a static export (kiosk/export.py), where no server would hear the flag."""
    return bool(current_app.config.get("ASK_STAFF", True))


def kiosk_name(value: str | None) -> str | None:
    """A kiosk name as staff may set it, or None (blank, too long, or not a plain name)."""
    name = " ".join((value or "").split())
    if not name or len(name) > NAME_LENGTH or not _NAME.fullmatch(name):
        return None
    return name


def cookie_value(name: str) -> str:
    return quote(name, safe="")


def this_kiosk() -> str | None:
    return kiosk_name(unquote(request.cookies.get(KIOSK_COOKIE, "")))


def same_origin() -> bool:
    """A POST this kiosk's own page sent: never one another site (or a bare script) starts."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin:
        return False
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}".lower() == f"{request.scheme}://{request.host}".lower()


def answer(code: int, told: Question | None = None, message: str | None = None):
    """The fragment htmx puts in the sentence's bar: told, cancelled, or what went wrong."""
    if message is None and told is None and code != 200:
        message = MESSAGES.get(code, OTHER)[1]
    body = render_template("partials/ask_answer.html", told=told, message=message)
    return body, code, {"Cache-Control": "no-store"}


def resolve(section: Section, ref: str) -> tuple[Shown, Shown | None, bool] | None:
    """The sentence `ref` names on this section's page, as shown and in English; None if none."""
    match = _SENTENCE.fullmatch(ref or "")
    if match is None:
        return None
    index = int(match["index"])
    for message in flaggable(section):
        if message_id(message) != match["message"]:
            continue
        shown = localize(message)
        sentences = split_sentences(shown.text)
        if index >= len(sentences):
            return None
        if shown.lang == SOURCE_LOCALE:
            return Shown(sentences[index], shown.lang), None, False
        english = split_sentences(message)
        if len(english) == len(sentences):
            return Shown(sentences[index], shown.lang), Shown(english[index], SOURCE_LOCALE), False
        return Shown(sentences[index], shown.lang), Shown(message, SOURCE_LOCALE), True
    return None


def guarded(leaflet: str, section: str) -> tuple:
    """The leaflet and section of a flag, after the checks every flag route makes."""
    if not enabled():
        abort(404)
    if not same_origin():
        abort(403)
    item = find_leaflet(leaflet)
    part = item.section(section)
    if part is None:
        abort(404)
    return item, part


@pages.post("/<leaflet>/<section>/ask")
def ask(leaflet, section):
    """Flag one sentence of this section for staff."""
    item, part = guarded(leaflet, section)
    found = resolve(part, request.form.get("sentence", ""))
    if found is None:
        return answer(404)
    sentence, english, whole = found
    try:
        question = current_app.extensions["questions"].ask(
            kiosk=this_kiosk(), lang=current_tag(), leaflet=item.title, section=part.heading,
            sentence=sentence, english=english, english_is_paragraph=whole,
        )
    except TooMany as error:
        return answer(429, message=TOO_MANY_HERE if error.kiosk else TOO_MANY_AT_ALL)
    return answer(200, told=question)


@pages.post("/<leaflet>/<section>/ask/cancel")
def cancel_ask(leaflet, section):
    """The patient no longer needs help: the question leaves the staff screen."""
    guarded(leaflet, section)
    token = request.form.get("question", "")
    if not _TOKEN.fullmatch(token):
        return answer(400)
    # Gone already (staff marked it done, it expired) is no error for the patient: either way
    # staff are no longer waiting to come.
    current_app.extensions["questions"].cancel(token)
    return answer(200, message=N_("Your question is cancelled."))


def init_app(app: Flask) -> None:
    app.config.setdefault("ASK_STAFF", True)
    # Patient pages have no session for CSRFProtect's token: same_origin() guards these instead.
    csrf = app.extensions["csrf"]
    csrf.exempt(ask)
    csrf.exempt(cancel_ask)

    @app.context_processor
    def ask_staff_context():
        return {"sentence_ref": sentence_ref, "ask_staff": enabled()}
