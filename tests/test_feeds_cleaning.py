"""The feed layer's text cleaning takes shortcuts for speed; each must equal the plain way."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citynews.feeds.common import (
    _AD_BLOCK,
    clean_html,
    plain_text,
    safe_url,
    without_ads,
    without_bidi,
)

# What without_ads removed line by line before: every line that starts with an ad marker.
_REFERENCE_AD_LINE = re.compile(
    r"^[ \t]*(?:Anzeige|Werbung|Gesponsert|Sponsored)\b.*$", re.IGNORECASE | re.MULTILINE
)
_REFERENCE_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")

# Text made of the pieces that matter: markers in any case, line breaks, spaces, word ends.
_pieces = st.sampled_from(
    [
        "Anzeige",
        "ANZEIGE",
        "werbung",
        "Gesponsert",
        "sponsored",
        "Anzeigen",
        "\n",
        "\r\n",
        " ",
        "\t",
        "x",
        "Halle",
        ":",
        "·",
        "\u202e",
        "\u2067",
        "<p>",
        "</p>",
        "ä",
    ]
)
_texts = st.lists(_pieces, max_size=30).map("".join)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anzeige · Jetzt vergleichen!\nHalle testet Sensoren.", "\nHalle testet Sensoren."),
        ("Halle testet.\n  WERBUNG: Tarife\nEnde", "Halle testet.\n\nEnde"),
        ("Halle testet.\nAnzeigenblatt berichtet", "Halle testet.\nAnzeigenblatt berichtet"),
        ("Die Anzeige steht im Text.", "Die Anzeige steht im Text."),
        ("Halle\nSponsored\nSponsored\nEnde", "Halle\n\n\nEnde"),
        ("", ""),
    ],
)
def test_ad_lines_are_removed(text, expected):
    assert without_ads(text) == expected


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_ad_lines_go_as_the_line_by_line_pattern_removed_them(text):
    # Ad blocks (an element that starts with a marker) go first, lines after them.
    assert without_ads(text) == _REFERENCE_AD_LINE.sub("", _AD_BLOCK.sub("", text))


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_bidi_controls_go_as_the_pattern_removed_them(text):
    assert without_bidi(text) == _REFERENCE_BIDI.sub("", text)


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_html_is_cleaned_as_nh3_clean_with_the_same_options(text):
    html = f"<div onclick='x()'>{text}<script>alert(1)</script><a href='javascript:x'>a</a></div>"
    reference = nh3.clean(
        _REFERENCE_AD_LINE.sub("", _AD_BLOCK.sub("", _REFERENCE_BIDI.sub("", html))),
        tags=set(nh3.ALLOWED_TAGS)
        - {"map", "area", "script", "style", "iframe", "object", "embed", "noscript", "template"},
        clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    assert clean_html(html) == reference
    assert "script" not in clean_html(html) and "javascript" not in clean_html(html)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>Halle</b> &amp; Saale", "Halle & Saale"),
        ("&lt;script&gt;alert(1)&lt;/script&gt; Text", "alert(1) Text"),
        ("Rechts\u202eLinks", "RechtsLinks"),
        ("a\n\n  b", "a b"),
    ],
)
def test_plain_text(text, expected):
    assert plain_text(text) == expected


def _plain_text_through_the_sanitizer(text: str) -> str:
    """plain_text as it was before its shortcut for text without markup."""
    text = _REFERENCE_BIDI.sub("", text)
    cleaned = nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
    text = re.sub(r"<[^>]*>", " ", html.unescape(cleaned))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", text)).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="<&\x00"),
        max_size=60,
    )
    | _texts
)
def test_text_without_markup_comes_out_as_the_sanitizer_gave_it(text):
    assert plain_text(text) == _plain_text_through_the_sanitizer(text)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.halle.de/aktuelles", "https://www.halle.de/aktuelles"),
        ("  HTTP://ulm.de  ", "HTTP://ulm.de"),
        ("javascript:alert(1)", None),
        ("https:///nur-pfad", None),
        ("ftp://example.org/datei", None),
        ("/relativ/pfad", None),
        ("", None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def _urlsplit_verdict(url: str) -> str | None:
    # What safe_url answered before its fast path: urlsplit's scheme and host.
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return "error"
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@settings(max_examples=500, deadline=None)
@given(
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["http://", "HTTPS://", "https:/", "http:", "mailto:", ""]),
        st.text(max_size=30),
    )
)
def test_safe_url_agrees_with_urlsplit(url):
    expected = _urlsplit_verdict(url)
    if expected != "error":
        assert safe_url(url) == expected
