"""A leaflet's catalog out to a translator and back (issue 32, part 4): `kiosk catalog export
LANG --leaflet SLUG FILE.po` and `kiosk catalog import FILE.po`.

The file is one ordinary PO, for Poedit or Weblate: the leaflet's catalog in one language with
every message's context as the kiosk's own catalog has it (msgctxt, and the extracted comment
that says where in the leaflet it is: "Section heading (<slug> / <section>)"), plus the
reviewers' comments as translator comments, where a comment source is given. Its header
comment names the leaflet and the language (KIOSK_CATALOG), because Babel keeps a header
comment through a read and write but drops unknown X- headers, and so do the tools.

Import is strict, because what it writes is shown to patients: a message whose placeholders
differ, whose plural forms do not fit the language, or which the leaflet does not have is
refused, by name and line; the rest is imported. A fuzzy entry stays fuzzy (compiled catalogs
leave it out, so the page shows English, marked so) and never hides a translation the kiosk
shows now. The leaflet's .po is then written whole or not at all, and its .mo compiled the
same way, so a kiosk restarted at any moment reads either the old catalog or the new one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, write_po

from ..files import write_atomically
from .catalogs import LEAFLET_DOMAIN_PREFIX, catalog_path, leaflet_domain
from .checks import forms, is_current, load_catalog, placeholder_errors, unterminated_strings

# The header comment's line that says whose file it is: "# Kiosk-Catalog: leaflet-<slug> <locale>".
KIOSK_CATALOG = re.compile(
    rf"^Kiosk-Catalog: {re.escape(LEAFLET_DOMAIN_PREFIX)}(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*) (?P<locale>[A-Za-z_]+)\s*$",
    re.MULTILINE,
)

# The reviewers' comments on one message, as lines. The review records (issue 32, parts 1 to
# 3) are keyed by the message and the text they approved, so a Message is all a source needs.
CommentSource = Callable[[Message], Iterable[str]]


def no_comments(message: Message) -> tuple[str, ...]:
    """The comment source where no review has been recorded."""
    return ()


class ExchangeError(Exception):
    """The whole file cannot be exported or imported; the message says why and what to do."""


def export(translations: Path, locale: Locale, slug: str, destination: Path,
           comments: CommentSource = no_comments) -> int:
    """Write the leaflet's catalog in `locale` to `destination` for a translator; returns how
    many messages it holds. Fuzzy entries go out marked fuzzy, for the translator to confirm;
    obsolete ones stay home (nobody should translate a text the leaflet no longer has)."""
    source = catalog_path(locale, translations, leaflet_domain(slug))
    if not source.exists():
        raise ExchangeError(f"There is no catalog {source}: run `kiosk catalog extract` and "
                            "`kiosk catalog update` first.")
    catalog = _read(source)
    catalog.obsolete.clear()
    catalog.header_comment = (
        f"# Kiosk-Catalog: {leaflet_domain(slug)} {locale}\n"
        f"# The leaflet \"{slug}\" in {locale.english_name}, exported for translation. Translate it in\n"
        "# any PO editor, keep the line above, and give it back to `kiosk catalog import FILE.po`.\n"
        f"{catalog.header_comment}"
    )
    count = 0
    for message in catalog:
        if message.id:
            message.user_comments = [*message.user_comments, *comments(message)]
            count += 1
    write_atomically(destination, _po_bytes(catalog), mode=0o644)
    return count


@dataclass
class ImportReport:
    """What an import did, message by message (each as its English text)."""

    catalog: Path  # the leaflet's catalog it wrote (or would have)
    new: list[str] = field(default_factory=list)  # shown now, where it was untranslated or fuzzy
    changed: list[str] = field(default_factory=list)  # a shown translation replaced
    unchanged: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)  # kept fuzzy: not shown
    untranslated: list[str] = field(default_factory=list)  # empty in the file: left as it was
    refused: list[str] = field(default_factory=list)  # "line N: 'msgid': why"

    @property
    def written(self) -> bool:
        return bool(self.new or self.changed or self.fuzzy)


def import_(translations: Path, path: Path, slugs: Iterable[str]) -> ImportReport:
    """Take a translator's file back into its leaflet's catalog (the leaflet named in its
    header, one of `slugs`, the leaflets the kiosk serves) and compile it."""
    incoming = _read(path)
    slug, locale = _whose(incoming, path, set(slugs))
    target_path = catalog_path(locale, translations, leaflet_domain(slug))
    if not target_path.exists():
        raise ExchangeError(f"{path} is for {target_path}, which does not exist: run `kiosk catalog update`.")
    target = _read(target_path)
    report = ImportReport(target_path)
    for message in incoming:
        if message.id:
            _take(message, target, report)
    if report.written:
        target.revision_date = datetime.now(timezone.utc)
        write_atomically(target_path, _po_bytes(target), mode=0o644)
        compiled = io.BytesIO()
        write_mo(compiled, target)  # without fuzzy entries, as `pybabel compile`
        write_atomically(target_path.with_suffix(".mo"), compiled.getvalue(), mode=0o644)
    return report


def _take(message: Message, target: Catalog, report: ImportReport) -> None:
    """One message of the file into the target catalog, or into the report's refusals."""
    english = forms(message.id)[0]
    ours = target.get(message.id, context=message.context)
    if why := _refusal(message, ours, target):
        report.refused.append(f"line {message.lineno}: {english!r}: {why}")
        return
    if not all(forms(message.string)):
        report.untranslated.append(english)
        return
    if message.string == ours.string and message.fuzzy == ours.fuzzy:
        report.unchanged.append(english)
        return
    if message.fuzzy:
        if is_current(ours):
            # A translator's doubt does not take away a translation patients see now.
            report.refused.append(f"line {message.lineno}: {english!r}: fuzzy in the file, so not imported: "
                                  "the kiosk keeps showing its current translation")
            return
        ours.string = message.string
        ours.flags.add("fuzzy")
        report.fuzzy.append(english)
        return
    shown_before = is_current(ours)
    ours.string = message.string
    ours.flags.discard("fuzzy")
    # This is where the approvals of what changed are voided: a review record (issue 32,
    # parts 1 to 3) is keyed by the text it approved, so a new translation matches no record
    # and is "waiting for review" by itself; nothing needs to be deleted here.
    (report.changed if shown_before else report.new).append(english)


def _refusal(message: Message, ours: Message | None, target: Catalog) -> str | None:
    """Why a message of the file cannot be taken (None: it can)."""
    if ours is None:
        return ("not a message of this leaflet (its English or its context differs): export the "
                "catalog again and translate that file")
    plural, our_plural = isinstance(message.id, (list, tuple)), isinstance(ours.id, (list, tuple))
    if plural != our_plural:
        return ("has plural forms, where the leaflet has one text" if plural
                else "has one text, where the leaflet has plural forms")
    if plural and all(forms(message.string)) and len(forms(message.string)) != target.num_plurals:
        return (f"has {len(forms(message.string))} plural forms; {target.locale.english_name} "
                f"needs {target.num_plurals} ({target.plural_forms})")
    single = Catalog(locale=target.locale)
    single[message.id] = Message(message.id, message.string, context=message.context)
    if problems := placeholder_errors(single):
        return problems[0]
    return None


def _whose(catalog: Catalog, path: Path, slugs: set[str]) -> tuple[str, Locale]:
    """The leaflet and language a translator's file is for, from its header comment."""
    found = KIOSK_CATALOG.search("\n".join(line.lstrip("#").strip() for line in catalog.header_comment.splitlines()))
    if found is None:
        raise ExchangeError(f"{path} does not say which leaflet and language it is for (the line "
                            "\"# Kiosk-Catalog: …\" at its top): import a file from `kiosk catalog export`.")
    slug = found["slug"]
    if slug not in slugs:
        raise ExchangeError(f"{path} is for the leaflet \"{slug}\", which this kiosk does not serve.")
    try:
        locale = Locale.parse(found["locale"])
    except ValueError as error:
        raise ExchangeError(f"{path}: {found['locale']!r} is not a language: {error}") from None
    if catalog.locale is not None and str(catalog.locale) != str(locale):
        raise ExchangeError(f"{path} says it is for {locale.english_name} ({locale}) at its top, but its "
                            f"Language header says {catalog.locale}: which is it? Correct one of them.")
    return slug, locale


def _read(path: Path) -> Catalog:
    """A PO file, every problem a clear ExchangeError (Babel would read past a missing quote)."""
    try:
        if problems := unterminated_strings(Path(path)):
            raise ExchangeError(f"{path}: {problems[0]}")
        return load_catalog(Path(path))
    except FileNotFoundError:
        raise ExchangeError(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise ExchangeError(f"{path}: not UTF-8 text (save it as UTF-8 and try again).") from None
    except PoFileError as error:
        raise ExchangeError(f"{path}: not a PO file the kiosk can read: {error}") from None


def _po_bytes(catalog: Catalog) -> bytes:
    """A catalog as the kiosk's own are written (`pybabel update --no-wrap`), so a catalog read
    and written back unchanged is the same bytes, and git shows only what a translator did."""
    written = io.BytesIO()
    write_po(written, catalog, width=None)
    return written.getvalue()
