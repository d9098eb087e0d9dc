"""Official German place names for the gazetteer build: short names, aliases, common words.

Used by tools/build_gazetteer.py only (needs simplemma for the common-word check); the
committed gazetteer file already carries everything these derive.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

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
    return short, unique(v for v in [*variants, short] if len(v) >= 3)


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
            stems = unique([name, _expand_abbrevs(name)])
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
    return short, unique(v for v in variants if len(v) >= 3)


def unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        item = re.sub(r"\s+", " ", item).strip()
        if item:
            seen.setdefault(item, None)
    return list(seen)


def norm_key(name: str) -> str:
    name = _expand_abbrevs(_space_abbrevs(name)).casefold().replace("ß", "ss")
    return re.sub(r"[\s.]+", " ", name).strip()


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


def common_word_checker(words: set[str]):
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
