"""Our trafilatura call (backup copy skipped, options built once) gives the body stock
trafilatura gives for the same arguments, and leaves stock trafilatura as it was."""

from __future__ import annotations

import pytest
import trafilatura
import trafilatura.core
from lxml import etree

from citynews.normalize.content import _TRAFILATURA_CLEANS
from citynews.normalize.html import parse_html
from citynews.normalize.textextract import main_text_body
from citynews.sample.sites import render_sites
from tests.pages import german_page

SHORT = german_page("Kurz", "<p>Nur ein Satz.</p>" + "<div><a href='/x'>Menü</a></div>" * 30)


def _sample_pages() -> list[bytes]:
    sites = render_sites()
    return [body for pages in sites.values() for body, _ in list(pages.values())[:6]]


def _stock(tree: etree._Element) -> bytes | None:
    doc = trafilatura.bare_extraction(
        tree,
        prune_xpath=_TRAFILATURA_CLEANS,
        fast=True,
        include_comments=False,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        output_format="txt",
    )
    body = getattr(doc, "body", None)
    return None if body is None else etree.tostring(body)


@pytest.mark.parametrize("html", [*_sample_pages(), SHORT.encode()])
def test_same_body_as_stock_trafilatura(html):
    stock = _stock(parse_html(html))
    tree = parse_html(html)
    before = etree.tostring(tree)
    body = main_text_body(tree, _TRAFILATURA_CLEANS)
    assert (None if body is None else etree.tostring(body)) == stock
    assert etree.tostring(tree) == before


def test_stock_step_restored():
    prepare = trafilatura.core._prepare_tree
    main_text_body(parse_html(SHORT), _TRAFILATURA_CLEANS)
    assert trafilatura.core._prepare_tree is prepare


@pytest.mark.parametrize("focus", ["balanced", "recall"])
def test_prepared_tree_as_stock(focus):
    """The retry in recall mode prepares its tree through the same step."""
    from copy import copy

    from citynews.normalize.textextract import OPTIONS, _prepare_without_backup

    options = copy(OPTIONS)
    options.focus = focus
    for html in _sample_pages()[:8]:
        ours, backup = _prepare_without_backup(parse_html(html), options, None)
        stock, _ = trafilatura.core._prepare_tree(parse_html(html), options, None)
        assert backup is None
        assert etree.tostring(ours) == etree.tostring(stock)
