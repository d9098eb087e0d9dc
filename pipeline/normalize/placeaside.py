"""Mentions of a town that are not about the town: a partner, a joint district, an
association of municipalities, a person's office or employer.

Each rule reads the words right before (or around) a mention; what it drops was named for
something else the page talks about, so the town is not one of the page's places.
"""

from __future__ import annotations

import re

from citynews.normalize.placematch import Mention
from citynews.normalize.placewords import (
    ASSOCIATION_NOUNS,
    COOPERATION_WORDS,
    DETERMINERS,
    LIST_JOINERS,
    OFFICE_NOUNS,
    PARTNER_NOUNS,
    RELATED_HEADINGS,
    TOWN_DISTRICTS,
    TOWN_PART_NOUNS,
)


def about_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions that may name a place the page is about."""
    kept = _without_partners(text, mentions)
    return [m for m in kept if not _aside(text, m)]


def _aside(text: str, m: Mention) -> bool:
    return (
        _paired(text, m)
        or _association(m)
        or _affiliation(text, m)
        or _office_holder(text, m)
        or _CLUB_YEAR.match(text, m.end) is not None
    )


# A club's founding year after its town: 'Hannover 96', 'Mainz 05' (not a day or an hour of
# a calendar line: '12. März', '12.03.', '10:30', '10 Uhr').
_CLUB_YEAR = re.compile(r"[ \t]\d{2}\b(?![.:/]|,?\s*\d)(?![ \t]*Uhr)")


_PAIR_OPEN = re.compile(r"[(„\"“]\s*$")
_PAIR_REST = re.compile(r"\s*[-–]\s*[A-ZÄÖÜ]\w+\s*[)“\"”]")


def _paired(text: str, m: Mention) -> bool:
    """'(Lörrach-Müllheim)', '„Emden – Leer“': a pair of towns in brackets or quotes names
    an electoral district, a route or a partnership, not a place the page is about."""
    return bool(
        _PAIR_OPEN.search(text, max(0, m.start - 3), m.start) and _PAIR_REST.match(text, m.end)
    )


def _association(m: Mention) -> bool:
    """'Samtgemeinde Sottrum', 'Verbandsgemeinde Wittlich-Land': an association of several
    municipalities that carries one member's name is not that municipality."""
    return bool(m.prev) and m.prev[-1] in ASSOCIATION_NOUNS


_PARTNER_INTRO = re.compile(
    r"\b(?:mit\s+den|neben\s+\w+\s+(?:den|die))\s+(?:"
    + "|".join(sorted(PARTNER_NOUNS))
    + r")\s*$"
    # 'kooperieren mit dem Landkreis Vechta', 'eine Partnerschaft mit der Stadt Celle'
    + r"|\b(?:"
    + "|".join(sorted(COOPERATION_WORDS))
    + r")\w*\s+mit\s+(?:dem|der|den)?\s*(?:Stadt|Gemeinde|Kommune|Landkreis|Kreis)?\s*$",
    re.IGNORECASE,
)


def _town_part(m: Mention) -> bool:
    """'im Ortsteil Steinbach', 'die Stadtteile Horn und Lehe': parts of the page's town
    named like municipalities elsewhere ('Stadtteil Halle-Neustadt' is known: it stays)."""
    return bool(m.prev) and m.prev[-1] in TOWN_PART_NOUNS and m.alias.text not in TOWN_DISTRICTS


def _without_partners(text: str, mentions: list[Mention]) -> list[Mention]:
    """Drop the towns listed after 'mit den Städten' or 'kooperieren mit' (a project's
    partners, not its places) and after 'die Ortsteile' (parts of the page's town).

    The list goes on over 'und', 'sowie' and commas ('mit den Städten Solingen, Remscheid und
    Kassel'); 'in den Städten Halle und Leipzig' names places and stays.
    """
    partner_ends: set[int] = set()
    kept = []
    for m in mentions:
        listed = bool(m.prev) and m.prev[-1] in LIST_JOINERS
        if (
            _PARTNER_INTRO.search(text, max(0, m.start - 50), m.start)
            or _town_part(m)
            or (listed and m.before_joiner_end in partner_ends)
        ):
            partner_ends.add(m.end)
            continue
        kept.append(m)
    return kept


_NAME = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
# A first name, not an article opening a noun phrase ('Der Zuschuss von der Stadt …').
_FIRST = r"(?!(?:" + "|".join(sorted(w.title() for w in DETERMINERS)) + r")\b)" + _NAME
# ', Anna Berger von der Stadt Celle', '(Jan Noll vom Landkreis …': a speaker and employer.
_EMPLOYER = re.compile(
    r"(?:^|[,;(:]|\bund|\bsowie)\s*(?:(?:Prof|Dr)\.\s*)*"
    + _FIRST
    + r"\s+"
    + _NAME
    + r"\s+(?:von\s+der|vom|aus\s+der)\s+(?:Stadt|Gemeinde|Stadtverwaltung|Kreisverwaltung)?\s*$"
)


def _affiliation(text: str, m: Mention) -> bool:
    """A person introduced with the administration they work for."""
    return _EMPLOYER.search(text, max(0, m.start - 80), m.start) is not None


_OFFICE = re.compile(
    r"\b(?:" + "|".join(sorted(OFFICE_NOUNS)) + r")\s+(?:des|der|von)\s+"
    r"(?:(?:Land)?[Kk]reises|Stadt|Gemeinde)?\s*$"
)
_APPOSITION = re.compile(r"\s*,\s*(?:(?:Prof|Dr)\.\s*)*" + _NAME + r"\s+" + _NAME + r"\b")


def _office_holder(text: str, m: Mention) -> bool:
    """'Der Landrat des Kreises Kleve, Erika Beispiel, …': the name of an office its holder
    is introduced with; the sentence is about the person."""
    return bool(
        _OFFICE.search(text, max(0, m.start - 50), m.start) and _APPOSITION.match(text, m.end)
    )


# A heading line that opens a list of other articles ('Lesen Sie auch:', 'Mehr zum Thema'),
# with the line break before it: a literal first character lets the search skip ahead fast.
_RELATED_HEADING = re.compile(
    r"\n[ \t]*(?:[-*•][ \t]*)?(?:" + "|".join(RELATED_HEADINGS) + r")[ \t]*:?[ \t]*(?=\n|$)",
    re.IGNORECASE,
)
_TEASER_LINE = 160  # a longer line is body text again: the list of other articles has ended


def without_related(text: str) -> str:
    """``text`` with the lists of other articles blanked out (same length, so offsets hold).

    News pages put 'Lesen Sie auch:' and a few teaser titles into the article; the towns in
    those titles belong to other articles. The list runs over short lines after its heading.
    """
    probe = "\n" + text  # the first line may be a heading too; offsets in probe are one more
    if _RELATED_HEADING.search(probe) is None:
        return text
    chars = list(text)
    for heading in _RELATED_HEADING.finditer(probe):
        start, end = heading.start(), heading.end() - 1
        while end < len(text):
            stop = text.find("\n", end + 1)
            stop = len(text) if stop == -1 else stop
            if len(text[end:stop].strip()) > _TEASER_LINE:
                break
            end = stop
        chars[start:end] = " " * (end - start)
    return "".join(chars)
