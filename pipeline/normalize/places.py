"""Find German places (municipalities, districts, states) in text and resolve event addresses.

Matching is a token-level longest-match over every gazetteer alias (one dict lookup per
capitalised token), then rules decide whether a match is a place at all and, when a name
is shared ('Halle'), which one. Names that are also ordinary words ('Essen', 'Hof',
'Wetter') need place context: a preposition like 'in', a word like 'Stadt', or their own
district or state named in the same text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from citynews.model import Place, PlaceRole
from citynews.normalize.gazetteer import Entry, Gazetteer, load_gazetteer

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Well-known parts of big cities that are not municipalities themselves. Aliases that the
# gazetteer already uses for a municipality are skipped when the matcher is built.
TOWN_DISTRICTS: dict[str, str] = {
    "Halle-Neustadt": "15002000",
    "Halle Neustadt": "15002000",
    "Ha-Neu": "15002000",
    "Silberhöhe": "15002000",
    "Heide-Nord": "15002000",
    "Kreuzberg": "11000000",
    "Friedrichshain": "11000000",
    "Friedrichshain-Kreuzberg": "11000000",
    "Prenzlauer Berg": "11000000",
    "Neukölln": "11000000",
    "Charlottenburg": "11000000",
    "Charlottenburg-Wilmersdorf": "11000000",
    "Spandau": "11000000",
    "Moabit": "11000000",
    "Tempelhof": "11000000",
    "Tempelhof-Schöneberg": "11000000",
    "Marzahn-Hellersdorf": "11000000",
    "Adlershof": "11000000",
    "Treptow-Köpenick": "11000000",
    "Steglitz-Zehlendorf": "11000000",
    "Reinickendorf": "11000000",
    "Pankow": "11000000",
    "Tegel": "11000000",
    "Altona": "02000000",
    "Eimsbüttel": "02000000",
    "Wandsbek": "02000000",
    "HafenCity": "02000000",
    "St. Pauli": "02000000",
    "Wilhelmsburg": "02000000",
    "Ottensen": "02000000",
    "Barmbek": "02000000",
    "Schwabing": "09162000",
    "Pasing": "09162000",
    "Sendling": "09162000",
    "Bogenhausen": "09162000",
    "Freiham": "09162000",
    "Neuperlach": "09162000",
    "Ehrenfeld": "05315000",
    "Nippes": "05315000",
    "Chorweiler": "05315000",
    "Plagwitz": "14713000",
    "Connewitz": "14713000",
    "Grünau": "14713000",
    "Prohlis": "14612000",
    "Gorbitz": "14612000",
    "Bad Cannstatt": "08111000",
    "Zuffenhausen": "08111000",
    "Rüttenscheid": "05113000",
    "Kettwig": "05113000",
    "Marxloh": "05112000",
    "Langwasser": "09564000",
    "Vegesack": "04011000",
    "Gröpelingen": "04011000",
}

_DETERMINERS = _words(
    "der die das dem den des ein eine einem einen einer eines im am zum zur vom beim ins "
    "unser unsere unserem unseren ihr ihre ihrem ihren sein seine seinem seinen jede jeder "
    "jedes dieser diese dieses diesem kein keine keinem"
)
_PLACE_PREPOSITIONS = _words("in aus nach bei nahe gegenüber zwischen Richtung")
_PLACE_NOUNS = _words(
    "Stadt Gemeinde Kommune Markt Marktgemeinde Hansestadt Kreisstadt Landeshauptstadt Großstadt "
    "Universitätsstadt Stadtverwaltung Stadtwerke Oberbürgermeister Oberbürgermeisterin "
    "Bürgermeister Bürgermeisterin Stadtrat Gemeinderat Rathaus Modellkommune Modellstadt "
    "Nachbarstadt Nachbargemeinde Partnerstadt Kreisstadt Ortsgemeinde Verbandsgemeinde "
    "Altkreis Ortsteil Stadtteil Samtgemeinde Einheitsgemeinde Amt Flecken"
)
_LIST_JOINERS = frozenset({"und", "oder", "sowie", ",", "/"})
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", "\n", "•", "–", "-", '"', "„", "“"})
_STREET_WORDS = _words(
    "Straße Str Strasse Weg Allee Platz Ring Chaussee Damm Gasse Ufer Steig Pfad Landstraße"
)
_PERSON_TITLES = _words("Frau Herr Herrn Dr Prof Familie Minister Ministerin")
_CLUB_WORDS = _words(
    "Borussia FC SC VfL VfB TSV SV Eintracht Hertha Fortuna Alemannia Arminia Werder RB TSG "
    "SpVgg Dynamo Union Kickers Holstein"
)
# Common first names: a capitalised word before a name makes it a surname ('Sabine Weil'),
# and a town called like a first name ('Karl', 'Moritz') needs place context.
_FIRST_NAMES = _words("""
    Anna Maria Julia Laura Lena Sarah Sara Katharina Christina Christine Sabine Susanne Petra
    Andrea Claudia Stefanie Nicole Birgit Monika Karin Ute Ulrike Heike Martina Kerstin Anja
    Katrin Silke Jana Lisa Sophie Sophia Hannah Lea Leonie Emma Mia Marie Johanna Charlotte
    Clara Klara Luisa Paula Greta Ida Elena Nina Jutta Gabriele Brigitte Renate Ursula Helga
    Ingrid Elke Doris Angelika Barbara Beate Bettina Carola Cornelia Daniela Diana Dorothea
    Eva Franziska Friederike Gisela Hanna Ines Iris Jasmin Jennifer Jessica Judith Karina
    Kathrin Katja Lara Lina Marion Melanie Miriam Nadine Natalie Regina Sandra Simone Sonja
    Svenja Tanja Theresa Vanessa Verena Yvonne Mareen Maren Antje Anke Astrid Annette Tina
    Thomas Michael Andreas Stefan Peter Frank Klaus Jürgen Wolfgang Christian Markus Marcus
    Martin Matthias Alexander Daniel Tobias Jan Tim Jens Uwe Ralf Bernd Dirk Holger Sven
    Oliver Florian Sebastian Philipp Lukas Jonas Felix Paul Max Hans Karl Werner Helmut
    Gerhard Dieter Manfred Heinz Günter Günther Rainer Torsten Carsten Kai Björn Lars Nils
    Moritz Henning Marius Leon Luca Noah Elias Ben Finn Emil Anton Jakob Johannes Julian
    Niklas Fabian David Simon Benjamin Dominik Patrick Marco Marcel Mario Robert Richard
    Georg Heinrich Friedrich Wilhelm Otto Ernst Walter Kurt Horst Rolf Norbert Volker Reinhard
    Hartmut Joachim Jörg Harald Herbert Hermann Karsten Olaf Roland Rüdiger Siegfried Ulrich
    Achim Axel Bernhard Burkhard Detlef Eckhard Egon Erich Erwin Fritz Gernot Gregor Guido
    Hubert Ingo Jochen Konrad Lothar Lutz Mathias Norman Rudolf Steffen Thorsten Till Vincent
    Armin Arne Malte Ole Hendrik Henrik Gustav Ludwig August Albert Bruno Oskar Carl Konstantin
    Meinhard Bernd Eckart Gerd Hajo Hinrich Jost Lorenz Veit Wendelin
    """)
# Names that are ordinary words simplemma does not flag, or places abroad that German texts
# mention far more often than the small German municipality of that name.
STRONG_WORDS = _words("""
    Wissen Lage Stelle Sorge Welt Schutz Sinn Lehre Bescheid Besitz Mark Rain Forst Berg Buch
    Stein Wald Burg Insel Elbe Bühne Mitte Kommen Ohne Reich Halle Bergen Weil Essen Wetter
    Lauf Kuchen Brunnen Brand Übersee Valley Salzburg Rom Gladbach Nassau Frankenstein
    Grafschaft Freiheit Zeit Eiche
    """)
TINY_TOWN = 1_000  # a one-word town this small (or of unknown size) needs place context
SMALL_TOWN = 10_000  # a one-word town this small after an unknown capitalised word is a surname
BIG_CITY = 50_000  # an ordinary-word name this large is a place after 'in'/'aus'/'nach'

# First two digits of a postcode → states it can lie in (postcode zones cross state lines).
POSTAL_ZONE_STATES: dict[str, tuple[str, ...]] = {
    "01": ("14",),
    "02": ("14",),
    "03": ("12", "14"),
    "04": ("14", "15", "16"),
    "06": ("15", "14", "16"),
    "07": ("16", "14"),
    "08": ("14",),
    "09": ("14",),
    "10": ("11",),
    "12": ("11", "12"),
    "13": ("11",),
    "14": ("12", "11"),
    "15": ("12",),
    "16": ("12",),
    "17": ("13", "12"),
    "18": ("13",),
    "19": ("13", "12", "03", "01"),
    "20": ("02",),
    "21": ("03", "02", "01"),
    "22": ("02", "01"),
    "23": ("01", "13"),
    "24": ("01",),
    "25": ("01",),
    "26": ("03",),
    "27": ("03", "04"),
    "28": ("04", "03"),
    "29": ("03", "15"),
    "30": ("03",),
    "31": ("03",),
    "32": ("05", "03"),
    "33": ("05",),
    "34": ("06", "03", "05"),
    "35": ("06",),
    "36": ("06", "16", "09"),
    "37": ("03", "06", "16"),
    "38": ("03", "15"),
    "39": ("15",),
    "40": ("05",),
    "41": ("05",),
    "42": ("05",),
    "44": ("05",),
    "45": ("05",),
    "46": ("05",),
    "47": ("05",),
    "48": ("05", "03"),
    "49": ("03", "05"),
    "50": ("05",),
    "51": ("05",),
    "52": ("05",),
    "53": ("05", "07"),
    "54": ("07",),
    "55": ("07",),
    "56": ("07",),
    "57": ("05", "07"),
    "58": ("05",),
    "59": ("05",),
    "60": ("06",),
    "61": ("06",),
    "63": ("06", "09"),
    "64": ("06",),
    "65": ("06", "07"),
    "66": ("10", "07"),
    "67": ("07",),
    "68": ("08", "06"),
    "69": ("08", "06"),
    "70": ("08",),
    "71": ("08",),
    "72": ("08",),
    "73": ("08",),
    "74": ("08",),
    "75": ("08",),
    "76": ("08", "07"),
    "77": ("08",),
    "78": ("08",),
    "79": ("08",),
    "80": ("09",),
    "81": ("09",),
    "82": ("09",),
    "83": ("09",),
    "84": ("09",),
    "85": ("09",),
    "86": ("09",),
    "87": ("09", "08"),
    "88": ("08", "09"),
    "89": ("09", "08"),
    "90": ("09",),
    "91": ("09",),
    "92": ("09",),
    "93": ("09",),
    "94": ("09",),
    "95": ("09",),
    "96": ("09",),
    "97": ("09", "06", "08"),
    "98": ("16",),
    "99": ("16",),
}


@dataclass(frozen=True, slots=True)
class _Alias:
    text: str
    tokens: tuple[str, ...]
    ags: tuple[str, ...]
    word_level: int  # 0 a name only, 1 also a noun ('Hof'), 2 also a verb etc. ('Essen')


class _Matcher:
    """Aliases grouped by first token, longest first: one dict lookup per text token."""

    def __init__(self, gaz: Gazetteer) -> None:
        by_alias: dict[str, list[str]] = {k: list(v) for k, v in gaz.aliases.items()}
        for alias, ags in TOWN_DISTRICTS.items():
            if alias not in by_alias and ags in gaz.entries:
                by_alias[alias] = [ags]
        common = {w for e in gaz.entries.values() for w in e.common_words}
        strong = {w for e in gaz.entries.values() for w in e.strong_words}
        strong |= STRONG_WORDS | _FIRST_NAMES
        first: dict[str, list[_Alias]] = {}
        for alias, ags in by_alias.items():
            tokens = tuple(_TOKEN.findall(alias))
            if not tokens:
                continue
            level = 2 if alias in strong else 1 if alias in common else 0
            if not level and len(tokens) == 1 and all(_tiny(gaz.entries[a]) for a in ags):
                level = 1  # 'Marth', 'Brunnen': villages whose names double as other words
            first.setdefault(tokens[0], []).append(_Alias(alias, tokens, tuple(ags), level))
        for options in first.values():
            options.sort(key=lambda a: -len(a.tokens))
        # Only capitalised tokens start a mention.
        self.first = {token: options for token, options in first.items() if token[:1].isupper()}
        # first token -> second token (None: one-token aliases) -> aliases, filled on first use
        self._by_second: dict[str, dict[str | None, list[_Alias]]] = {}
        # Every token that starts like an alias: one C scan of a text finds the few places
        # worth a look, without cutting all of it into tokens. A word token starts with a
        # letter no word character precedes, (?<!\w\w) after that letter; a symbol ('Ⓐ' is
        # upper case) is a token of its own.
        starts = {token[0] for token in self.first}
        letters = "".join(sorted(re.escape(c) for c in starts if re.match(r"\w", c)))
        symbols = "".join(sorted(re.escape(c) for c in starts if not re.match(r"\w", c)))
        patterns = [f"[{letters}](?<!\\w\\w)\\w*"] if letters else []
        patterns += [f"[{symbols}]"] if symbols else []
        self.candidates = re.compile("|".join(patterns)) if patterns else None

    def options(self, first: str, second: str | None) -> list[_Alias]:
        """The aliases, longest first, that may match where ``second`` follows ``first``.

        A first token like 'Kreis' starts hundreds of aliases; the second token of the text
        leaves the few that can match, so they are not all compared one by one.
        """
        grouped = self._by_second.get(first)
        if grouped is None:
            aliases = self.first[first]  # longest first, so the one-token aliases come last
            singles = [a for a in aliases if len(a.tokens) == 1]
            grouped = {None: singles}
            for alias in aliases:
                if len(alias.tokens) > 1:
                    grouped.setdefault(alias.tokens[1], []).append(alias)
            for key, found in grouped.items():
                if key is not None:
                    found.extend(singles)
            self._by_second[first] = grouped
        return grouped.get(second, grouped[None])


def _tiny(entry: Entry) -> bool:
    return entry.kind == "municipality" and (entry.population or 0) < TINY_TOWN


def prepare(gazetteer: Gazetteer | None = None) -> None:
    """Load the gazetteer and build its name matcher now rather than on the first text."""
    _matcher(gazetteer or load_gazetteer())


def _matcher(gaz: Gazetteer) -> _Matcher:
    m = gaz.__dict__.get("_places_matcher")
    if m is None:
        m = _Matcher(gaz)
        gaz.__dict__["_places_matcher"] = m
    return m


@dataclass(slots=True)
class _Mention:
    alias: _Alias
    start: int  # char offsets in the combined text
    end: int
    prev: tuple[str, ...]  # up to two tokens before, nearest last
    next: str | None
    prev_token_end: int  # end offset of the previous token (-1 if none)
    before_joiner_end: int  # end offset of the token before the previous one (-1 if none)
    after_joiner_start: int  # start offset of the token after the next one (-1 if none)


def _tokens_before(text: str, pos: int, count: int) -> list[tuple[str, int, int]]:
    """The up to ``count`` tokens (text, start, end) that end at or before ``pos``, a token start.

    Tokenizes a window before ``pos``: its first token may be cut, so the window grows until it
    holds one token more than asked for or reaches the start of the text.
    """
    width = 32
    while True:
        left = max(0, pos - width)
        found = list(_TOKEN.finditer(text, left, pos))
        if left == 0 or len(found) > count:
            return [(m.group(), m.start(), m.end()) for m in found[len(found) - count :]]
        width *= 4


def _take(matches: Iterator[re.Match[str]], count: int) -> list[tuple[str, int, int]]:
    """(text, start, end) of the next ``count`` tokens, fewer at the end of the text."""
    return [(m.group(), m.start(), m.end()) for m in islice(matches, count)]


def _scan(text: str, matcher: _Matcher) -> list[_Mention]:
    if matcher.candidates is None:
        return []
    out: list[_Mention] = []
    resume = 0  # text before this belongs to the previous mention
    # A token starts a mention only if it is an alias's first token: look only at those and
    # tokenize just around them (the whole text used to be tokenized in Python).
    for found in matcher.candidates.finditer(text):
        first = found.group()
        pos = found.start()
        if first not in matcher.first or pos < resume:
            continue
        # The right-hand part of a hyphenated compound ('Berlin-Brandenburg') is no mention:
        # a dash token right before, glued to a token before it (any non-space is a token).
        if pos >= 2 and text[pos - 1] in "-–" and not text[pos - 2].isspace():
            continue
        # The tokens from here on, read only as far as needed: this one and the next first,
        # which narrows the aliases to try.
        following = _TOKEN.finditer(text, pos)
        after = _take(following, 2)
        hit = None
        for alias in matcher.options(first, after[1][0] if len(after) > 1 else None):
            k = len(alias.tokens)
            # k tokens for the alias, then the next one and the one after (see _Mention).
            if len(after) < k + 2:
                after += _take(following, k + 2 - len(after))
            if tuple(t[0] for t in after[:k]) == alias.tokens and (
                k == 1 or _same_spelling(text, pos, after[k - 1][2], alias.text)
            ):
                hit = alias
                break
        if hit is None:
            continue
        k = len(hit.tokens)
        before = _tokens_before(text, pos, 2)
        prev = tuple(t[0] for t in before)
        if before and "\n" in text[before[-1][2] : pos]:
            prev = ("\n",)
        out.append(
            _Mention(
                alias=hit,
                start=pos,
                end=after[k - 1][2],
                prev=prev,
                next=after[k][0] if k < len(after) else None,
                prev_token_end=before[-1][2] if before else -1,
                before_joiner_end=before[-2][2] if len(before) == 2 else -1,
                after_joiner_start=after[k + 1][1] if k + 1 < len(after) else -1,
            )
        )
        resume = after[k - 1][2]
    return out


def _same_spelling(text: str, start: int, end: int, alias: str) -> bool:
    """Tokens glued in the alias ('Halle/Saale') must be glued in the text too."""
    return " ".join(text[start:end].split()) == alias


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return re.sub(r"\s+", " ", text[left:right]).strip()


def _blocked(m: _Mention) -> bool:
    """Streets, people and sports clubs carry place names without being about the place."""
    if m.next in _STREET_WORDS:
        return True
    before = m.prev[-1] if m.prev else ""
    if before in _PERSON_TITLES or before in _FIRST_NAMES or before in _CLUB_WORDS:
        return True
    return m.prev[-2:] == ("Dr", ".") or m.prev[-2:] == ("Prof", ".")


def _entry_rank(
    entry: Entry,
    districts: set[str],
    states: set[str],
    home_region: str | None,
    postal_states: tuple[str, ...] = (),
) -> tuple[float, int]:
    """Higher is likelier: context first, then size (a city of 100,000 outweighs a state
    mention for a village of 1,000, not a district mention)."""
    score = 10 * math.log10((entry.population or 0) + 10)
    if home_region and entry.ags.startswith(home_region):
        score += 100
    if postal_states and entry.state_ags in postal_states:
        score += 60 - 10 * postal_states.index(entry.state_ags)
    if entry.district_ags and entry.district_ags in districts and entry.kind == "municipality":
        score += 50
    if entry.state_ags in states:
        score += 20
    # Ties (same name, no population, no context) go to the lower key: deterministic.
    return score, -int(entry.ags)


def _confirmed(
    entry: Entry, districts: set[str], states: set[str], home_region: str | None
) -> bool:
    if home_region and entry.ags.startswith(home_region[:5]):
        return True
    if entry.kind == "municipality" and entry.district_ags in districts:
        return True
    return entry.state_ags in states and entry.kind != "state"


def _to_place(entry: Entry, gaz: Gazetteer, role: PlaceRole, evidence: str) -> Place:
    return Place(
        name=entry.short,
        kind=entry.kind,
        ags=entry.ags,
        lat=entry.lat,
        lon=entry.lon,
        state=gaz.state_name(entry.ags),
        district=gaz.district_name(entry.ags) if entry.kind == "municipality" else None,
        population=entry.population,
        role=role,
        evidence=evidence,
    )


def find_places(
    text: str,
    *,
    title: str = "",
    home_region: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[Place]:
    """Places mentioned in title and text, one per AGS, in order of first mention."""
    gaz = gazetteer or load_gazetteer()
    combined = f"{title}\n{text}" if title else text
    mentions = [m for m in _scan(combined, _matcher(gaz)) if not _blocked(m)]

    # Anchors: accepted names that are neither ordinary words nor shared fix the region.
    districts: set[str] = set()
    states: set[str] = set()
    anchor_ends: set[int] = set()
    anchor_starts: set[int] = set()
    for m in mentions:
        if len(m.alias.ags) == 1 and not m.alias.word_level:
            entry = gaz.entries[m.alias.ags[0]]
            if _plain_name_is_place(m, entry, anchor_ends):
                anchor_ends.add(m.end)
                anchor_starts.add(m.start)
                states.add(entry.state_ags)
                if entry.district_ags:
                    districts.add(entry.district_ags)

    found: dict[str, Place] = {}
    accepted_ends: set[int] = set()
    for m in mentions:
        candidates = [gaz.entries[a] for a in m.alias.ags]
        postal = _postal_states(m)
        best = max(candidates, key=lambda e: _entry_rank(e, districts, states, home_region, postal))
        if m.alias.word_level:
            listed = m.next in _LIST_JOINERS and m.after_joiner_start in anchor_starts
            ok = _ordinary_word_is_place(
                m, best, districts, states, home_region, accepted_ends, listed
            )
        else:
            ok = _plain_name_is_place(m, best, accepted_ends)
        if not ok:
            continue
        accepted_ends.add(m.end)
        if best.ags not in found:
            found[best.ags] = _to_place(best, gaz, "mentioned", _snippet(combined, m.start, m.end))
    return list(found.values())


def _postal_states(m: _Mention) -> tuple[str, ...]:
    """States a postcode right before the name points to ('06108 Halle', '53333, Meckenheim')."""
    for token in reversed(m.prev):
        if token.isdigit() and len(token) == 5:
            return POSTAL_ZONE_STATES.get(token[:2], ())
        if token != ",":
            break
    return ()


def _before(m: _Mention) -> str:
    """The token before a mention, lower-cased when it is a capitalised function word."""
    before = m.prev[-1] if m.prev else "\n"
    if before[:1].isupper() and before.lower() in _PLACE_PREPOSITIONS | _DETERMINERS:
        return before.lower()  # 'In Hagen' / 'Zum Essen' / 'Den Haag'
    return before


def _plain_name_is_place(m: _Mention, entry: Entry, accepted_ends: set[int]) -> bool:
    """Whether a name that is no ordinary word is a place here (most are)."""
    if len(m.alias.tokens) > 1 or entry.kind != "municipality":
        return True  # 'im Vogtlandkreis' is fine
    before = _before(m)
    if before in _DETERMINERS:
        return False  # 'Den Haag', 'die Brunnen'
    if before == "(" and len(m.prev) == 2 and m.prev[0][:1].isupper():
        return False  # a qualifier of another name: 'Altenburg (Thür.)'
    small = (entry.population or 0) < SMALL_TOWN
    if small and before[:1].isupper() and before.isalpha():
        # 'Jutta Zedlitz', 'Napa Valley': an unknown capitalised word makes it a name part.
        place_like = before in _PLACE_NOUNS or m.prev_token_end in accepted_ends
        return place_like
    return True


def _ordinary_word_is_place(
    m: _Mention,
    entry: Entry,
    districts: set[str],
    states: set[str],
    home_region: str | None,
    accepted_ends: set[int],
    listed: bool = False,
) -> bool:
    """Whether a name that is also an ordinary word is used as a place here.

    ``listed``: the name is followed by 'und'/',' and a certain place ('Halle, Versmold').
    """
    before = _before(m)
    if before in _DETERMINERS:
        return False
    if m.next is not None and m.next[:1].isdigit():
        return False  # 'in Halle 3' is an exhibition hall
    noun = m.alias.word_level == 1
    confirmed = _confirmed(entry, districts, states, home_region)
    big = (entry.population or 0) >= BIG_CITY
    if before in _PLACE_NOUNS:
        return True
    if before in _PLACE_PREPOSITIONS or listed:
        return noun or big or confirmed
    if before in _LIST_JOINERS:
        # 'in Hagen, Wetter und Herdecke': a list continues a place mention.
        return m.before_joiner_end in accepted_ends and (noun or big or confirmed)
    if before in _SENTENCE_END:
        # 'Kiel setzt auf …' but not 'Halle und Küche …' or 'Essen ist …' without context.
        verb_follows = bool(m.next) and m.next[:1].islower() and m.next not in _LIST_JOINERS
        return verb_follows and big and (noun or confirmed)
    if before[:1].islower():
        return False  # 'das schöne Wetter', 'um Wissen zu teilen'
    # After another capitalised word ('Altkreis Halle', 'Werk Osten'): only a noun-like
    # name, and only in its own region.
    return noun and confirmed


def resolve_place(
    town: str | None,
    postal_code: str | None = None,
    *,
    context: str = "",
    home_region: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> Place | None:
    """The municipality of an event address ('06108', 'Halle (Saale)' → 15002000)."""
    if not town or not town.strip():
        return None
    gaz = gazetteer or load_gazetteer()
    # A whole address ('Mansfelder Str. 56, 06108 Halle (Saale)'): the town follows the postcode.
    found = re.search(r"\b\d{5}\b", town)
    if found:
        postal_code = postal_code or found.group()
        town = town[found.end() :].strip(" ,") or town
    town = town.strip()
    zone = (postal_code or "").strip()[:2]
    postal_states = POSTAL_ZONE_STATES.get(zone, ()) if zone.isdigit() else ()

    candidates = gaz.lookup(town)
    if not candidates:
        matcher = _matcher(gaz)
        for m in _scan(town, matcher):
            if not _blocked(m):
                candidates.extend(gaz.entries[a] for a in m.alias.ags)
                break
    if not candidates:
        return None
    districts: set[str] = set()
    states: set[str] = set()
    if context:
        for p in find_places(context, home_region=home_region, gazetteer=gaz):
            if p.ags:
                states.add(p.ags[:2])
                if p.kind == "municipality":
                    districts.add(p.ags[:5])
    municipalities = [e for e in candidates if e.kind == "municipality"] or candidates
    best = max(
        municipalities, key=lambda e: _entry_rank(e, districts, states, home_region, postal_states)
    )
    return _to_place(best, gaz, "event", town)


def home_place(home_region: str | None, *, gazetteer: Gazetteer | None = None) -> Place | None:
    """The gazetteer entry of a source's home area ("15002" → Halle (Saale)), role source-home.

    A district key of a kreisfreie Stadt names the city itself, so its municipality wins.
    """
    if not home_region:
        return None
    gaz = gazetteer or load_gazetteer()
    entry = gaz.get(home_region.ljust(8, "0")) or gaz.get(home_region)
    if entry is None:
        return None
    return _to_place(entry, gaz, "source-home", f"home region of the source ({home_region})")
