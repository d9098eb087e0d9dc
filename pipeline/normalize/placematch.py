"""The gazetteer's names as a matcher: aliases grouped by first token, built once per gazetteer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from citynews.normalize.gazetteer import Entry, Gazetteer, load_gazetteer
from citynews.normalize.placewords import (
    FIRST_NAMES,
    STRONG_WORDS,
    TINY_TOWN,
    TOKEN,
    TOWN_DISTRICTS,
)


@dataclass(frozen=True, slots=True)
class Alias:
    text: str
    tokens: tuple[str, ...]
    ags: tuple[str, ...]
    word_level: int  # 0 a name only, 1 also a noun ('Hof'), 2 also a verb etc. ('Essen')


@dataclass(slots=True)
class Mention:
    """One alias found in a text, with the tokens around it that the place rules read."""

    alias: Alias
    start: int  # char offsets in the combined text
    end: int
    prev: tuple[str, ...]  # up to two tokens before, nearest last
    next: str | None
    prev_token_end: int  # end offset of the previous token (-1 if none)
    before_joiner_end: int  # end offset of the token before the previous one (-1 if none)
    after_joiner_start: int  # start offset of the token after the next one (-1 if none)


class Matcher:
    """Aliases grouped by first token, longest first: one dict lookup per text token."""

    def __init__(self, gaz: Gazetteer) -> None:
        by_alias: dict[str, list[str]] = {k: list(v) for k, v in gaz.aliases.items()}
        for alias, ags in TOWN_DISTRICTS.items():
            if alias not in by_alias and ags in gaz.entries:
                by_alias[alias] = [ags]
        common = {w for e in gaz.entries.values() for w in e.common_words}
        strong = {w for e in gaz.entries.values() for w in e.strong_words}
        strong |= STRONG_WORDS | FIRST_NAMES
        first: dict[str, list[Alias]] = {}
        for alias, ags in by_alias.items():
            tokens = tuple(TOKEN.findall(alias))
            if not tokens:
                continue
            level = 2 if alias in strong else 1 if alias in common else 0
            if not level and len(tokens) == 1 and all(tiny(gaz.entries[a]) for a in ags):
                level = 1  # 'Marth', 'Brunnen': villages whose names double as other words
            first.setdefault(tokens[0], []).append(Alias(alias, tokens, tuple(ags), level))
        for options in first.values():
            options.sort(key=lambda a: -len(a.tokens))
        # Only capitalised tokens start a mention.
        self.first = {token: options for token, options in first.items() if token[:1].isupper()}
        # first token -> second token (None: one-token aliases) -> aliases, filled on first use
        self._by_second: dict[str, dict[str | None, list[Alias]]] = {}
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

    def options(self, first: str, second: str | None) -> list[Alias]:
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


def tiny(entry: Entry) -> bool:
    return entry.kind == "municipality" and (entry.population or 0) < TINY_TOWN


def prepare(gazetteer: Gazetteer | None = None) -> None:
    """Load the gazetteer and build its name matcher now rather than on the first text."""
    name_matcher(gazetteer or load_gazetteer())


def name_matcher(gaz: Gazetteer) -> Matcher:
    m = gaz.__dict__.get("_places_matcher")
    if m is None:
        m = Matcher(gaz)
        gaz.__dict__["_places_matcher"] = m
    return m
