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
from itertools import islice

from citynews.model import Place, PlaceRole
from citynews.normalize.gazetteer import Entry, Gazetteer, load_gazetteer
from citynews.normalize.placeaside import about_places, without_related
from citynews.normalize.placematch import Matcher, Mention, name_matcher, prepare
from citynews.normalize.placesubject import far_namesakes, passing_mentions
from citynews.normalize.placewords import (
    BIG_CITY,
    CLUB_WORDS,
    COLLEGE_WORDS,
    DETERMINERS,
    FIRST_NAMES,
    LIST_JOINERS,
    ORG_SUFFIXES,
    ORG_WORDS,
    PERSON_TITLES,
    PLACE_NOUNS,
    PLACE_PREPOSITIONS,
    POSTAL_ZONE_STATES,
    SENTENCE_END,
    SMALL_TOWN,
    STREET_WORDS,
    TOKEN,
)

# prepare: part of this module's interface (Normalizer.preload calls places.prepare).
__all__ = ["find_places", "home_place", "prepare", "resolve_place"]


def _tokens_before(text: str, pos: int, count: int) -> list[tuple[str, int, int]]:
    """The up to ``count`` tokens (text, start, end) that end at or before ``pos``, a token start.

    Tokenizes a window before ``pos``: its first token may be cut, so the window grows until it
    holds one token more than asked for or reaches the start of the text.
    """
    width = 32
    while True:
        left = max(0, pos - width)
        found = list(TOKEN.finditer(text, left, pos))
        if left == 0 or len(found) > count:
            return [(m.group(), m.start(), m.end()) for m in found[len(found) - count :]]
        width *= 4


def _take(matches: Iterator[re.Match[str]], count: int) -> list[tuple[str, int, int]]:
    """(text, start, end) of the next ``count`` tokens, fewer at the end of the text."""
    return [(m.group(), m.start(), m.end()) for m in islice(matches, count)]


def _scan(text: str, matcher: Matcher) -> list[Mention]:
    if matcher.candidates is None:
        return []
    out: list[Mention] = []
    resume = 0  # text before this belongs to the previous mention
    # A token starts a mention only if it is an alias's first token: look only at those and
    # tokenize just around them (the whole text used to be tokenized in Python).
    for found in matcher.candidates.finditer(text):
        first = found.group()
        pos = found.start()
        if first not in matcher.first or pos < resume:
            continue
        # The right-hand part of a hyphenated compound ('Berlin-Brandenburg') or of a joint
        # region ('Region Kassel/Göttingen') is no mention: a dash or slash right before,
        # glued to a token before it (any non-space is a token).
        if pos >= 2 and text[pos - 1] in "-–/" and not text[pos - 2].isspace():
            continue
        # The tokens from here on, read only as far as needed: this one and the next first,
        # which narrows the aliases to try.
        following = TOKEN.finditer(text, pos)
        after = _take(following, 2)
        hit = None
        for alias in matcher.options(first, after[1][0] if len(after) > 1 else None):
            k = len(alias.tokens)
            # k tokens for the alias, then the next one and the one after (see Mention).
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
            Mention(
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


def _blocked(m: Mention) -> bool:
    """Streets, people and sports clubs carry place names without being about the place."""
    if m.next in STREET_WORDS:
        return True

    before = m.prev[-1] if m.prev else ""
    if before in PERSON_TITLES or before in FIRST_NAMES or before in CLUB_WORDS:
        return True
    if before in ORG_WORDS or before.lower().endswith(ORG_SUFFIXES):
        return True
    if before in COLLEGE_WORDS and len(m.prev) == 2 and _qualifies(m.prev[0]):
        return True  # 'Medizinische Hochschule Hannover', not 'die Universität Trier'
    return m.prev[-2:] == ("Dr", ".") or m.prev[-2:] == ("Prof", ".")


def _qualifies(word: str) -> bool:
    """Part of an institution's name: 'Medizinische', the '-' of 'Otto-Friedrich-'."""
    if word in ("-", "–"):
        return True
    return word[:1].isupper() and word.lower() not in DETERMINERS | PLACE_PREPOSITIONS


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
    combined = without_related(f"{title}\n{text}" if title else text)
    mentions = [m for m in _scan(combined, name_matcher(gaz)) if not _blocked(m)]
    mentions = about_places(combined, mentions)

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
    counts: dict[str, int] = {}
    short_aliases: set[str] = set()
    accepted_ends: set[int] = set()
    for i, m in enumerate(mentions):
        candidates = [gaz.entries[a] for a in m.alias.ags]
        postal = _postal_states(m)
        best = max(candidates, key=lambda e: _entry_rank(e, districts, states, home_region, postal))
        best = _city_state(best, mentions, i, gaz)
        if m.alias.word_level:
            listed = m.next in LIST_JOINERS and m.after_joiner_start in anchor_starts
            ok = _ordinary_word_is_place(
                m, best, districts, states, home_region, accepted_ends, listed
            )
        else:
            ok = _plain_name_is_place(m, best, accepted_ends)
        if not ok:
            continue
        accepted_ends.add(m.end)
        counts[best.ags] = counts.get(best.ags, 0) + 1
        if best.short.startswith((m.alias.text + " ", m.alias.text + "(")):
            short_aliases.add(best.ags)  # 'Steinbach' for 'Steinbach am Wald', 'Neuhaus (Oste)'
        if best.ags not in found:
            found[best.ags] = _to_place(best, gaz, "mentioned", _snippet(combined, m.start, m.end))
    dropped = far_namesakes(found, counts, short_aliases, home_region) | passing_mentions(
        found, counts
    )
    return [place for ags, place in found.items() if ags not in dropped]


_STATE_LIST_GAP = 80  # characters between neighbours of a list or table of states


def _city_state(entry: Entry, mentions: list[Mention], i: int, gaz: Gazetteer) -> Entry:
    """'Berlin', 'Hamburg', 'Bremen' between two states ('Saarland | Bremen | Hessen', a table
    of elections per Land) name the Land, not the city."""
    state = gaz.state_named(entry.short) if entry.kind == "municipality" else None
    if state is None or state.state_ags != entry.state_ags:
        return entry
    m = mentions[i]
    before = mentions[i - 1] if i > 0 else None
    after = mentions[i + 1] if i + 1 < len(mentions) else None
    if before is None or after is None:
        return entry
    close = m.start - before.end <= _STATE_LIST_GAP and after.start - m.end <= _STATE_LIST_GAP
    if close and _names_state(before, gaz) and _names_state(after, gaz):
        return state
    return entry


def _names_state(m: Mention, gaz: Gazetteer) -> bool:
    return all(gaz.entries[a].kind == "state" for a in m.alias.ags)


def _postal_states(m: Mention) -> tuple[str, ...]:
    """States a postcode right before the name points to ('06108 Halle', '53333, Meckenheim')."""
    for token in reversed(m.prev):
        if token.isdigit() and len(token) == 5:
            return POSTAL_ZONE_STATES.get(token[:2], ())
        if token != ",":
            break
    return ()


def _before(m: Mention) -> str:
    """The token before a mention, lower-cased when it is a capitalised function word."""
    before = m.prev[-1] if m.prev else "\n"
    if before[:1].isupper() and before.lower() in PLACE_PREPOSITIONS | DETERMINERS:
        return before.lower()  # 'In Hagen' / 'Zum Essen' / 'Den Haag'
    return before


def _plain_name_is_place(m: Mention, entry: Entry, accepted_ends: set[int]) -> bool:
    """Whether a name that is no ordinary word is a place here (most are)."""
    if len(m.alias.tokens) > 1 or entry.kind != "municipality":
        return True  # 'im Vogtlandkreis' is fine
    before = _before(m)
    if before in DETERMINERS:
        return False  # 'Den Haag', 'die Brunnen'
    if before == "(" and len(m.prev) == 2 and m.prev[0][:1].isupper():
        return False  # a qualifier of another name: 'Altenburg (Thür.)'
    small = (entry.population or 0) < SMALL_TOWN
    if small and before[:1].isupper() and before.isalpha():
        # 'Jutta Zedlitz', 'Napa Valley': an unknown capitalised word makes it a name part.
        place_like = before in PLACE_NOUNS or m.prev_token_end in accepted_ends
        return place_like
    return True


def _ordinary_word_is_place(
    m: Mention,
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
    if before in DETERMINERS:
        return False
    if m.next is not None and m.next[:1].isdigit():
        return False  # 'in Halle 3' is an exhibition hall
    noun = m.alias.word_level == 1
    confirmed = _confirmed(entry, districts, states, home_region)
    big = (entry.population or 0) >= BIG_CITY
    if before in PLACE_NOUNS:
        return True
    if before in PLACE_PREPOSITIONS or listed:
        return noun or big or confirmed
    if before in LIST_JOINERS:
        # 'in Hagen, Wetter und Herdecke': a list continues a place mention.
        return m.before_joiner_end in accepted_ends and (noun or big or confirmed)
    if before in SENTENCE_END:
        # 'Kiel setzt auf …' but not 'Halle und Küche …' or 'Essen ist …' without context.
        verb_follows = bool(m.next) and m.next[:1].islower() and m.next not in LIST_JOINERS
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
        matcher = name_matcher(gaz)
        for m in _scan(town, matcher):
            if not _blocked(m):
                candidates.extend(gaz.entries[a] for a in m.alias.ags)
                break
    if not candidates:
        return None
    municipalities = [e for e in candidates if e.kind == "municipality"] or candidates
    districts: set[str] = set()
    states: set[str] = set()
    # The page's places only break ties between namesakes; a page with many events asks the
    # same question for each, so the answer for its text is kept.
    if context and len(municipalities) > 1:
        districts, states = _context_keys(context, home_region, gaz)
    best = max(
        municipalities, key=lambda e: _entry_rank(e, districts, states, home_region, postal_states)
    )
    return _to_place(best, gaz, "event", town)


_CONTEXT_MEMO: dict[tuple[str, str | None, int], tuple[set[str], set[str]]] = {}


def _context_keys(
    context: str, home_region: str | None, gaz: Gazetteer
) -> tuple[set[str], set[str]]:
    """District and state keys of the places a text names (remembered for the last texts)."""
    key = (context, home_region, id(gaz))
    if key not in _CONTEXT_MEMO:
        if len(_CONTEXT_MEMO) > 16:
            _CONTEXT_MEMO.clear()
        districts: set[str] = set()
        states: set[str] = set()
        for p in find_places(context, home_region=home_region, gazetteer=gaz):
            if p.ags:
                states.add(p.ags[:2])
                if p.kind == "municipality":
                    districts.add(p.ags[:5])
        _CONTEXT_MEMO[key] = (districts, states)
    return _CONTEXT_MEMO[key]


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
