"""The topic taxonomy file (``data/topics.toml``) read and validated: settings, topics and
their keyword rules, each error naming the file, the table and the key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citynews.errors import ConfigError
from citynews.model import EVENT_TOPIC

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEYWORD_WORD = re.compile(r"\*?\w+\*?")
KEYWORD_SPLIT = re.compile(r"[\s\-]+")

TOPIC_KEYS = {"name", "description", "keywords", "exclude"}
SETTINGS_DEFAULTS: dict[str, float] = {
    "title_factor": 3.0,
    "keywords_factor": 3.0,
    "min_score": 2.0,
    "words_per_point": 150.0,
    "lead_factor": 2.0,
    "lead_chars": 250.0,
}

EXACT, PREFIX, SUFFIX, INFIX = "exact", "prefix", "suffix", "infix"

# (match mode, core, case-sensitive) of one keyword word: "*wärme" is (SUFFIX, "wärme", False).
Atom = tuple[str, str, bool]


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class Rule:
    topic: int
    label: str
    weight: float
    atoms: tuple[int, ...]
    exclude: bool


def atom_of(word: str) -> Atom:
    lead = word.startswith("*")
    trail = word.endswith("*")
    core = word.strip("*")
    mode = INFIX if lead and trail else SUFFIX if lead else PREFIX if trail else EXACT
    case_sensitive = any(c.isupper() for c in core[1:])
    return mode, core if case_sensitive else core.lower(), case_sensitive


def fail(path: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{path}: {key}: {problem}")


def _parse_keyword(path: Path, key: str, entry: Any) -> tuple[str, str, float]:
    """(label as written, words joined by single spaces, weight) of one keyword entry."""
    if isinstance(entry, str):
        text, weight = entry, 1.0
    elif isinstance(entry, dict):
        unknown = set(entry) - {"match", "weight"}
        if unknown:
            raise fail(path, key, f"unknown key {sorted(unknown)[0]!r} (allowed: match, weight)")
        if "match" not in entry:
            raise fail(path, key, 'missing "match" (write { match = "Wort", weight = 2 })')
        text = entry["match"]
        weight = entry.get("weight", 1.0)
        if not isinstance(text, str):
            raise fail(path, key, "match must be text in quotes")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise fail(path, key, f"weight must be a number greater than 0, not {weight!r}")
    else:
        raise fail(path, key, 'a keyword must be text in quotes or { match = "…", weight = … }')
    words = [w for w in KEYWORD_SPLIT.split(text.strip()) if w]
    if not words:
        raise fail(path, key, "empty keyword")
    for word in words:
        if not KEYWORD_WORD.fullmatch(word):
            raise fail(
                path,
                key,
                f"{text!r}: only letters, digits, spaces, hyphens and * at the start or end "
                "of a word are allowed",
            )
        core = word.strip("*")
        # A one-letter word is fine inside a phrase ("E-Akte"), never alone or with a *.
        too_short = 3 if word.startswith("*") else 1 if len(words) > 1 and core == word else 2
        if len(core) < too_short:
            raise fail(path, key, f"{text!r}: {word!r} is too short to match reliably")
    return text.strip(), " ".join(words), float(weight)


def parse_settings(path: Path, data: dict[str, Any]) -> dict[str, float]:
    """The [settings] table over the defaults; rejects unknown sections and settings."""
    unknown = set(data) - {"settings", "topics"}
    if unknown:
        raise fail(path, sorted(unknown)[0], "unknown section (allowed: settings, topics)")
    settings = dict(SETTINGS_DEFAULTS)
    raw_settings = data.get("settings", {})
    if not isinstance(raw_settings, dict):
        raise fail(path, "settings", "must be a table")
    for key, value in raw_settings.items():
        if key not in SETTINGS_DEFAULTS:
            allowed = ", ".join(SETTINGS_DEFAULTS)
            raise fail(path, f"settings.{key}", f"unknown setting (allowed: {allowed})")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise fail(path, f"settings.{key}", f"must be a number greater than 0, not {value!r}")
        settings[key] = float(value)
    return settings


def _topic(path: Path, slug: str, body: Any) -> Topic:
    prefix = f"topics.{slug}"
    if not SLUG.fullmatch(slug):
        raise fail(path, prefix, "slug must be lowercase a-z, 0-9 and single hyphens")
    if not isinstance(body, dict):
        raise fail(path, prefix, "must be a table")
    unknown = set(body) - TOPIC_KEYS
    if unknown:
        allowed = ", ".join(sorted(TOPIC_KEYS))
        raise fail(path, f"{prefix}.{sorted(unknown)[0]}", f"unknown key (allowed: {allowed})")
    for key in ("name", "description"):
        value = body.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(path, f"{prefix}.{key}", "missing or empty text")
    if slug != EVENT_TOPIC and not body.get("keywords"):
        raise fail(path, f"{prefix}.keywords", "missing: a topic needs at least one keyword")
    return Topic(slug, body["name"].strip(), body["description"].strip())


def _topic_rules(
    path: Path, slug: str, body: dict[str, Any], index: int, atom_ids: dict[Atom, int]
) -> list[Rule]:
    """The keyword and exclude rules of one topic; new atoms are numbered in ``atom_ids``."""
    prefix = f"topics.{slug}"
    rules: list[Rule] = []
    seen: dict[tuple[str, bool], str] = {}
    for list_key, is_exclude in (("keywords", False), ("exclude", True)):
        entries = body.get(list_key, [])
        if not isinstance(entries, list):
            raise fail(path, f"{prefix}.{list_key}", "must be a list [ … ]")
        if slug == EVENT_TOPIC and entries:
            raise fail(
                path,
                f"{prefix}.{list_key}",
                "this topic is assigned from events, it takes no keywords",
            )
        for position, entry in enumerate(entries):
            key = f"{prefix}.{list_key}[{position}]"
            label, normalized, weight = _parse_keyword(path, key, entry)
            if (normalized, is_exclude) in seen:
                raise fail(path, key, f"{label!r} repeats {seen[normalized, is_exclude]}")
            seen[normalized, is_exclude] = key
            atoms = tuple(
                atom_ids.setdefault(atom_of(word), len(atom_ids)) for word in normalized.split(" ")
            )
            rules.append(Rule(index, label, weight, atoms, is_exclude))
    return rules


def parse_topics(
    path: Path, data: dict[str, Any]
) -> tuple[list[Topic], dict[int, list[Rule]], dict[Atom, int]]:
    """Topics in file order, their rules by first atom, and every atom with its id."""
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, dict) or not raw_topics:
        raise fail(path, "topics", "missing: define at least one [topics.<slug>] table")
    topics: list[Topic] = []
    atom_ids: dict[Atom, int] = {}
    rules_by_first_atom: dict[int, list[Rule]] = {}
    for index, (slug, body) in enumerate(raw_topics.items()):
        topics.append(_topic(path, slug, body))
        for rule in _topic_rules(path, slug, body, index, atom_ids):
            rules_by_first_atom.setdefault(rule.atoms[0], []).append(rule)
    return topics, rules_by_first_atom, atom_ids
