"""trafilatura's main-text extraction of a page tree, without work our options never read.

trafilatura 2.x cleans a copy of its input tree and then copies the cleaned tree once more as
a backup; only its comparison with other extractors (off with ``fast=True``) and comment
extraction (off here) read that backup. Copying it took 0.35 ms of the ~10 ms trafilatura
spends on a bench page. During our call, trafilatura's ``_prepare_tree`` is swapped for one
that skips the backup when the options cannot read it, and calls trafilatura's own cleaning
and conversion steps otherwise unchanged (``tests/test_textextract.py`` compares the result
with stock trafilatura). A trafilatura without that step runs as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy
from typing import Any

import trafilatura
import trafilatura.core
from lxml import etree
from trafilatura.settings import Extractor

try:
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
except ImportError:  # pragma: no cover - a trafilatura that moved them runs stock
    convert_tags = tree_cleaning = None

# The options of every call, built once (≈ 0.06 ms a call otherwise): fast mode, no comments,
# links, formatting and tables kept; "txt" because "python" renders a text we do not use.
OPTIONS = Extractor(
    output_format="txt",
    fast=True,
    comments=False,
    links=True,
    formatting=True,
    tables=True,
)

_STOCK_PREPARE = getattr(trafilatura.core, "_prepare_tree", None)


def _prepare_without_backup(tree: Any, options: Extractor, url: str | None) -> tuple[Any, Any]:
    """trafilatura's ``_prepare_tree`` (clean a copy, convert its tags), minus the backup copy
    of the cleaned tree where neither the comparison nor comment extraction will read it."""
    if not options.fast or options.comments:
        return _STOCK_PREPARE(tree, options, url)  # type: ignore[misc]
    cleaned = tree_cleaning(copy(tree), options)  # type: ignore[misc]
    return convert_tags(cleaned, options, url), None  # type: ignore[misc]


@contextmanager
def _without_backup_copy() -> Iterator[None]:
    if _STOCK_PREPARE is None or tree_cleaning is None:
        yield
        return
    trafilatura.core._prepare_tree = _prepare_without_backup
    try:
        yield
    finally:
        trafilatura.core._prepare_tree = _STOCK_PREPARE


def main_text_body(tree: etree._Element, prune_xpath: str) -> etree._Element | None:
    """trafilatura's main-text ``body`` element of ``tree`` (left unchanged), or None."""
    with _without_backup_copy():
        doc = trafilatura.bare_extraction(tree, prune_xpath=prune_xpath, options=OPTIONS)
    return getattr(doc, "body", None)
