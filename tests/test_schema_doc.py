"""docs/schema.md documents exactly the live schema of a fresh database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citynews.storage import analytics
from citynews.storage.store import open_db

DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
FTS_SHADOW = re.compile(r"_fts_(data|idx|docsize|config)$")


def documented() -> dict[str, list[str]]:
    """``### name`` headings with the first cell of every row of the table below them."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in DOC.read_text("utf-8").splitlines():
        heading = re.match(r"^### (\S+)\s*$", line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
            continue
        if line.startswith("## "):
            current = None
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        is_row = line.startswith("|") and cells[0] not in ("column", "")
        if current is not None and is_row and not set(cells[0]) <= {"-"}:
            current.append(cells[0])
    return sections


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> dict[str, list[str]]:
    db = open_db(tmp_path_factory.mktemp("schema") / "citynews.db")
    analytics.install(db)
    names = [t for t in db.table_names() if not FTS_SHADOW.search(t)] + db.view_names()
    schema = {name: [c.name for c in db[name].columns] for name in names}
    db.close()
    return schema


def test_every_table_and_view_is_documented(live):
    assert sorted(set(live) - set(documented())) == []


def test_nothing_documented_that_does_not_exist(live):
    assert sorted(set(documented()) - set(live)) == []


def test_columns_match_in_order(live):
    docs = documented()
    for name, columns in live.items():
        assert docs.get(name) == columns, name


def test_parser_reads_headings_and_rows():
    docs = documented()
    assert docs["events"][:3] == ["id", "document_id", "title"]
    assert "updated_at" in docs["documents"]
