"""German postal addresses and venue names in event blocks.

"Mansfelder Str. 56, 06108 Halle (Saale)", "Am Markt 1 in 06108 Halle", "Kampstraße 13-15",
multi-line blocks; the venue is the name written before the address ("Stadtbibliothek Halle,
Salzgrafenstraße 2, …") or a place phrase without one ("im Volkshaus in Jena").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UPPER = "A-ZÄÖÜ"
_LOWER = "a-zäöüß"
_WORD = rf"[{_UPPER}][{_LOWER}{_UPPER}]*"
# A capitalised word, possibly hyphenated: "Karl-Marx", "Halle-Neustädter".
_NAME = rf"{_WORD}(?:-[{_UPPER}{_LOWER}][{_LOWER}{_UPPER}]*)*"

_SUFFIXES = (
    "straße|strasse|str\\.|weg|platz|allee|gasse|ring|damm|ufer|markt|chaussee|pfad|steig|"
    "promenade|graben|wall|brücke|kai|zeile|stieg|berg|hof|tor|anger|winkel|höhe|aue|"
    "bogen|kamp|redder|twiete|straat"
)
# The street types that are also written as a word of their own: "Mansfelder Str.", "Alter Markt".
_STANDALONE = (
    "Straße|Strasse|Str\\.|Weg|Platz|Allee|Gasse|Ring|Damm|Ufer|Markt|Chaussee|Pfad|Steig|"
    "Promenade|Graben|Wall|Brücke|Kai|Zeile|Tor|Anger|Hof|Berg"
)
_PREPOSITION = (
    "Am|An der|An den|An dem|Auf der|Auf dem|Auf den|Im|In der|In den|Zum|Zur|Hinter der|"
    "Hinter dem|Unter den|Vor dem|Bei der|Beim|Alte|Alter|Altes|Neue|Neuer|Neues|Große|Großer|"
    "Kleine|Kleiner"
).replace(" ", r"[ \t]+")
_ARTICLE = r"(?:Die|Der|Das|Den|Dem|Des|Ein|Eine|Einen|Zum|Zur|Am|Im|Diese|Dieser|Jede)\b"
_STREET = rf"""
    (?P<street>
        (?:Platz|Straße)[ \t]+(?:der|des)[ \t]+{_NAME}
      | (?!{_ARTICLE})(?:{_NAME}[ \t]+){{1,2}}(?:{_STANDALONE})(?![{_LOWER}])
      | (?:(?:Große|Großer|Kleine|Kleiner|Alte|Alter|Neue|Neuer|Obere|Untere|Hohe)[ \t]+)?
        (?:{_NAME}(?:{_SUFFIXES})|{_WORD}(?:-[{_LOWER}{_UPPER}]+)*-(?:{_STANDALONE}))(?![{_LOWER}])
      | (?P<prep>(?:{_PREPOSITION})[ \t]+{_NAME})
    )
"""
_LETTER = r"(?:\s?[a-zA-Z](?![a-zA-Zäöüß]))?"
_NUMBER = rf"(?P<number>\d{{1,3}}{_LETTER}(?:\s?[-–/]\s?\d{{1,3}}{_LETTER})?)(?![\d.,:]\d|\d)"
_TOWN = rf"""
    (?P<town>
        {_NAME}
        (?:\s*\([{_UPPER}][^)\n]{{1,30}}\))?
        (?:\s+(?:an\s+der|am|an|im|in\s+der|ob\s+der|bei|vor\s+der)\s+{_NAME})?
        (?:\s*/\s*{_NAME})?
    )
"""
_POSTAL = rf"(?<!\d)(?:D-)?(?P<postal>\d{{5}})(?!\d)\s+{_TOWN}"
# "Göttingen, 37081": the town before its code, as international event plugins print it.
_POSTAL_AFTER = rf"(?P<town_first>{_NAME})[ \t]*,[ \t]*(?P<postal_after>\d{{5}})(?![\d.,:]\d|\d)"
_SEPARATOR = r"(?:[ \t]*[,|/–-][ \t]*|[ \t]+in[ \t]+|[ \t]*\r?\n[ \t]*|[ \t]+)"

_ADDRESS = re.compile(
    rf"""(?<![{_LOWER}{_UPPER}-]){_STREET}
    (?=[ \t]+\d|[ \t]*,[ \t]*(?:D-)?\d{{5}}(?!\d))
    (?:[ \t]+{_NUMBER})?(?:{_SEPARATOR}(?:{_POSTAL}|{_POSTAL_AFTER}))?""",
    re.VERBOSE,
)
_UNIT_AFTER = re.compile(
    r"\s*(?:Meter|m|km|Minuten|Min|Stunden|Jahre|Jahren|Prozent|%|mal|Mal|Euro|€)\b"
)
# A street without a street word, right before a comma and the postal code: "Am alten Gut 10,"
_BARE_STREET = re.compile(
    rf"(?:^|(?<=[,\n]))[ \t]*(?P<street>[{_UPPER}][{_LOWER}{_UPPER}.-]*"
    rf"(?:[ \t]+[{_LOWER}{_UPPER}.-]+){{0,3}}?)"
    rf"[ \t]+(?P<number>\d{{1,3}}[a-z]?(?:[-–/]\d{{1,3}}[a-z]?)?)[ \t]*,[ \t]*$"
)
_POSTAL_ONLY = re.compile(rf"(?:^|(?<=,)|(?<=\n))[ \t]*{_POSTAL}", re.VERBOSE | re.MULTILINE)

# Nouns that name a building or room; a place phrase without an address needs one of them.
_VENUE_HEADS = (
    "haus",
    "halle",
    "saal",
    "säle",
    "zentrum",
    "zentrale",
    "landtag",
    "bundestag",
    "gelände",
    "center",
    "centre",
    "bibliothek",
    "museum",
    "theater",
    "kirche",
    "dom",
    "schule",
    "forum",
    "hotel",
    "gebäude",
    "park",
    "markt",
    "platz",
    "kino",
    "arena",
    "campus",
    "universität",
    "hochschule",
    "akademie",
    "messe",
    "turm",
    "galerie",
    "stadion",
    "garten",
    "ministerium",
    "amt",
    "speicher",
    "villa",
    "schloss",
    "burg",
    "kloster",
    "aula",
    "foyer",
    "atelier",
    "labor",
    "lab",
    "café",
    "cafe",
    "restaurant",
    "werkstatt",
    "fabrik",
    "bahnhof",
    "hof",
    "kaserne",
    "palais",
    "pavillon",
    "quartier",
    "zelt",
    "bühne",
    "keller",
    "loft",
    "hub",
    "space",
    "raum",
    "räume",
    "bad",
)
# Genitive and linking words inside a venue name: "Aula der Realschule", "Spiegelsaal des
# Rathauses", "Haus für Familien".
_VENUE_LINK = re.compile(r"\s(?:der|des|dem|den|für|zur|zum|vom|von)\s")
_VENUE_PHRASE = re.compile(
    rf"\b(?:im|in\s+der|in\s+den|ins|in\s+die|in\s+das|auf\s+dem|auf\s+der|auf\s+das|beim|am"
    rf"|vor\s+dem|vor\s+der|vor\s+den|vor\s+die)\s+"
    rf"(?P<venue>{_NAME}(?:\s+(?:(?:der|des|dem|den|für|zur|zum|vom|von)\s+)?"
    rf"(?:{_NAME}|\([^)\n]{{1,30}}\))){{0,4}}?)"
    rf"(?=\s+in\s+[{_UPPER}]|\s+statt|\s*[,.;:!?)\n]|\s+(?:am|um|ab|bis|vom|von|und)\s"
    rf"|\s+eine?[mnrs]?\s|\s+(?:zu|ein|geöffnet|gezeigt|eröffnet|öffnet|beginnt|startet)\b"
    rf"|\s*$)"
)
_LABEL = re.compile(
    r"^\s*(?:Ort|Veranstaltungsort|Adresse|Location|Wo|Treffpunkt)\s*:\s*", re.IGNORECASE
)


_NAME_LINKS = frozenset(
    [
        "der",
        "die",
        "das",
        "des",
        "dem",
        "den",
        "und",
        "für",
        "am",
        "im",
        "an",
        "in",
        "zu",
        "zum",
        "zur",
        "von",
        "vom",
        "auf",
        "bei",
        "e.V.",
        "gGmbH",
    ]
)


@dataclass(frozen=True)
class Address:
    """A postal address as found in a text; parts that were not written stay None."""

    street: str | None
    house_number: str | None
    postal_code: str | None
    town: str | None
    text: str
    span: tuple[int, int]


def _clean_number(number: str) -> str:
    return re.sub(r"\s*([-–/])\s*", r"\1", number.strip()).replace("–", "-")


def _from_match(m: re.Match[str]) -> Address:
    town = m.group("town") or m.group("town_first")
    return Address(
        street=" ".join(m.group("street").split()),
        house_number=_clean_number(m.group("number")) if m.group("number") else None,
        postal_code=m.group("postal") or m.group("postal_after"),
        town=" ".join(town.split()) if town else None,
        text=m.group().strip(),
        span=(m.start(), m.start() + len(m.group().rstrip())),
    )


def _loose_street(m: re.Match[str], text: str) -> bool:
    """ "Am Ende 2 Projekte" or "Hauptstraße 5 Meter" read like streets: without a postal code a
    preposition street counts only alone on its line or before a comma, and no street counts
    when a unit follows its number."""
    if _UNIT_AFTER.match(text, m.end()):
        return True
    if not m.group("prep"):
        return False
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    after = text[m.end() : len(text) if line_end < 0 else line_end].strip()
    before = _LABEL.sub("", text[line_start : m.start()]).strip(" \t,:")
    return bool(before or (after and after[0] not in ",;)"))


def find_addresses(text: str) -> list[Address]:
    """Every street address in a text, in order ("Rathausplatz 2, 32052 Herford", …)."""
    found = []
    for m in _ADDRESS.finditer(text):
        coded = m.group("postal") or m.group("postal_after")
        if coded is None and (m.group("number") is None or _loose_street(m, text)):
            continue
        found.append(_from_match(m))
    return found


def parse_address(text: str) -> Address | None:
    """The first postal address in a text, or None.

    A street with a house number is required, except for a lone "06108 Halle (Saale)" that
    starts a line or follows a comma.
    """
    addresses = find_addresses(text)
    if addresses:
        return addresses[0]
    m = _POSTAL_ONLY.search(text)
    if m is None:
        return None
    start = m.start("postal")
    street = _BARE_STREET.search(text, max(0, start - 60), start)
    if street is not None:
        # "Vogelsang 12a, 37073 Göttingen": a street whose name has no street word.
        return Address(
            street=" ".join(street.group("street").split()),
            house_number=_clean_number(street.group("number")),
            postal_code=m.group("postal"),
            town=" ".join(m.group("town").split()),
            text=text[street.start("street") : m.end()],
            span=(street.start("street"), m.end()),
        )
    return Address(
        street=None,
        house_number=None,
        postal_code=m.group("postal"),
        town=" ".join(m.group("town").split()),
        text=text[start : m.end()],
        span=(start, m.end()),
    )


# Words that end like a building and name none: "im Zeitraum vom 5. bis 10. Juli".
_NOT_VENUES = frozenset({"zeitraum", "spielraum", "freiraum", "zwischenraum", "handlungsspielraum"})


def _venue_like(name: str) -> bool:
    return any(
        word.endswith(_VENUE_HEADS) and word not in _NOT_VENUES
        for word in re.split(r"[\s-]+", name.lower())
    )


def _phrase_venue(text: str) -> str | None:
    for m in _VENUE_PHRASE.finditer(text):
        venue = m.group("venue").strip()
        # In "Sporthalle der Grundschule" the building is named first; "Vorfeld der Messe" or
        # "Rahmen des Stadtfests" name no place.
        if _venue_like(_VENUE_LINK.split(venue, 1)[0]):
            return venue
    return None


def _name_before(before: str) -> str | None:
    """The venue written in front of an address on the same line (or the line above)."""
    chunk = _LABEL.sub("", before).strip(" \t,;:–-")
    # "… 24.09.2026 17:00 Uhr Rathaus, Marktstraße 1": what follows the time is the name.
    chunk = _UP_TO_TIME.sub("", chunk).strip(" \t,;:–-")
    if not chunk:
        return None
    phrase = _phrase_venue(chunk + ",")
    if phrase:
        return phrase
    if _name_like(chunk):
        return chunk
    # "… um 18:30 Uhr im Stadtteil Vorsfelde, Schützenhaus, Saal 2, Meinstraße 86": the
    # name-like parts right before the street.
    parts: list[str] = []
    for part in reversed(chunk.split(",")):
        part = part.strip()
        if not parts and not _name_like(part):
            # '… am 06.03.2025 um 16:00 Uhr im Haus der Jugend': the name after the preposition
            # starts the venue; nothing before it belongs to it.
            tail = _IN_TAIL.split(part)[-1]
            return tail if tail != part and _name_like(tail) else None
        if not part or not _name_like(part) or len(parts) == 2:
            break
        parts.insert(0, part)
    return ", ".join(parts) or None


_IN_TAIL = re.compile(r"\b(?:im|in der|in den|beim|auf dem|auf der)\s+(?=[A-ZÄÖÜ])")


_UP_TO_TIME = re.compile(r"^.*\bUhr\b")
# Dates and clock times are no part of a name.
_DATE_OR_TIME = re.compile(r"\d{1,2}:\d\d|\bUhr\b|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?")
_SOCIETY = re.compile(r"\s*\be\.\s?V\.$")


def _name_like(chunk: str) -> bool:
    # "Gelände des TV Jahn e. V.": a registered society's suffix is part of the name.
    chunk = _SOCIETY.sub("", chunk)
    words = chunk.split()
    # A sentence fragment is not a name: names are short, start with a capital letter and
    # have no lower-case words but linking ones ("Haus der Begegnung", "Zentrum für Medien").
    if not words or len(words) > 8 or not chunk[0].isupper() or chunk.endswith("."):
        return False
    if _DATE_OR_TIME.search(chunk):
        return False
    return not any(w[0].islower() and w not in _NAME_LINKS for w in words)


def named_venue(chunk: str) -> str | None:
    """``chunk`` when it is a venue's name by itself ("Spiegelsaal des Rathauses", "Stadthalle")."""
    chunk = chunk.strip(" \t,;:–-")
    if _name_like(chunk) and _venue_like(_VENUE_LINK.split(chunk, 1)[0]):
        return chunk
    return None


def find_venue(text_block: str) -> str | None:
    """The venue name in an event block, or None.

    "Stadtbibliothek Halle, Salzgrafenstraße 2, 06108 Halle (Saale)" gives "Stadtbibliothek
    Halle"; "im Volkshaus in Jena" gives "Volkshaus".
    """
    address = parse_address(text_block)
    if address is not None:
        line_start = text_block.rfind("\n", 0, address.span[0]) + 1
        venue = _name_before(text_block[line_start : address.span[0]])
        if venue is None and line_start > 0:
            previous = text_block[:line_start].rstrip().rsplit("\n", 1)[-1]
            if previous and len(previous) <= 80:
                venue = _name_before(previous)
        if venue is not None:
            return venue
    return _phrase_venue(text_block)
