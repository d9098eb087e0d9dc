"""Fail when a source module is longer than the house allows (``make lint``).

A module's size is its number of physical lines (what ``wc -l`` counts: comments, docstrings
and blank lines included) in every ``.py`` file under the folders that make up the installed
package. Limit, folders and a temporary allow-list live in pyproject.toml under
``[tool.citynews.module-size]``; an allow-listed module that has shrunk below the limit is an
error too, so the list cannot go stale.

    python tools/module_size.py     # exit 0: all modules within the limit, 1: some are not
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Rule:
    max_lines: int
    folders: tuple[str, ...]
    allow: frozenset[str]


def load_rule(pyproject: Path) -> Rule:
    table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["citynews"]
    config = table["module-size"]
    return Rule(
        max_lines=int(config["max-lines"]),
        folders=tuple(config["folders"]),
        allow=frozenset(config.get("allow", [])),
    )


def physical_lines(path: Path) -> int:
    data = path.read_bytes()
    # A last line without a newline still counts, unlike in wc -l.
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def problems(root: Path, rule: Rule) -> list[str]:
    """One message per module over the limit, and per allow-list entry no longer needed."""
    found: list[str] = []
    sizes = {
        path.relative_to(root).as_posix(): physical_lines(path)
        for folder in rule.folders
        for path in sorted((root / folder).rglob("*.py"))
    }
    for name, lines in sizes.items():
        if lines > rule.max_lines and name not in rule.allow:
            found.append(f"{name}: {lines} lines (more than {rule.max_lines})")
    for name in sorted(rule.allow):
        if sizes.get(name, 0) <= rule.max_lines:
            found.append(
                f"{name}: within {rule.max_lines} lines or gone; "
                "remove it from [tool.citynews.module-size] allow"
            )
    return found


def main() -> int:
    found = problems(ROOT, load_rule(ROOT / "pyproject.toml"))
    for message in found:
        print(f"module size: {message}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
