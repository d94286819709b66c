"""Which kiosk a question comes from: a random id its browser keeps, and the name staff gave it.

The id is minted by the server the first time a browser profile asks (or is named), and kept
in a cookie for ten years: the idle reset clears sessionStorage and localStorage only. It is
what the per-kiosk limit counts, so kiosks that staff have not named yet no longer share one
limit, and its first characters label such a kiosk on the board. The name is a label only,
set by staff on the kiosk itself (kiosk/ask_staff/board.py). Both cookies are HttpOnly and
SameSite=Strict: another site can neither read nor send them.

Names in any script the kiosk speaks: letters with their combining marks (Hindi, Arabic with
harakat, decomposed accents), digits, spaces and a little punctuation, in NFC, so one name is
one string. Never control or format characters: a bidi override would reorder the board.
"""

from __future__ import annotations

import base64
import re
import secrets
import unicodedata
from urllib.parse import quote, unquote

from flask import Request, Response

ID_COOKIE = "kiosk_id"
NAME_COOKIE = "kiosk_name"
COOKIE_AGE = 10 * 365 * 24 * 3600
NAME_LENGTH = 40
# 80 random bits in base32 (A-Z, 2-7): easy to read aloud, and its first 4 a label staff can say.
_ID = re.compile(r"[A-Z2-7]{16}")
PUNCTUATION = frozenset(" .,'()#&/-–·:،")


def new_id() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def valid_id(value: str | None) -> str | None:
    return value if value and _ID.fullmatch(value) else None


def name(value: str | None) -> str | None:
    """A kiosk name as staff may set it, in NFC, or None (blank, too long, or not a plain name)."""
    text = unicodedata.normalize("NFC", " ".join((value or "").split()))
    if not text or len(text) > NAME_LENGTH:
        return None
    categories = [unicodedata.category(char)[0] for char in text]
    if not any(category in "LN" for category in categories):
        return None
    if any(category not in "LMN" and char not in PUNCTUATION for char, category in zip(text, categories)):
        return None
    return text


def id_of(request: Request) -> str | None:
    return valid_id(request.cookies.get(ID_COOKIE))


def name_of(request: Request) -> str | None:
    return name(unquote(request.cookies.get(NAME_COOKIE, "")))


def keep(response: Response, request: Request, cookie: str, value: str) -> None:
    """Set one of the kiosk's cookies for its ten years (Secure where the kiosk is reached over TLS)."""
    response.set_cookie(
        cookie, quote(value, safe=""), max_age=COOKIE_AGE, httponly=True, samesite="Strict",
        secure=request.is_secure,
    )
