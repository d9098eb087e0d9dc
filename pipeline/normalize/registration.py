"""Links that offer registration for a page's event, wherever the page puts them.

Event pages place "Zur Anmeldung" or "Tickets" as a button in a details box or a sidebar, which
main-text extraction drops; the event readers then see no registration link. Only links whose
whole text is such an offer count, and none in navigation, header or footer, so a newsletter
sign-up or a login is not taken for the event's registration.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from citynews.normalize.regions import attr_text

__all__ = ["registration_links"]

# A prefilter in C: anchors whose text names registration or tickets at all (a word's tail in
# both cases; translate() to lower case made the scan four times slower, 1.7 ms a page).
_CANDIDATES = etree.XPath(
    "//a[@href]["
    + " or ".join(
        f"contains(., '{tail}') or contains(., '{tail.upper()}')"
        for tail in ("nmeld", "egistr", "icket", "arten")
    )
    + "]"
)
# "Registrieren" alone is a site account's sign-up, not an event's: left out.
_OFFER = re.compile(
    r"(?:zur\s+|jetzt\s+|online[- ]?|hier\s+)?(?:anmeldung|anmelden)"
    r"|(?:zur|jetzt\s+zur)\s+registrierung|jetzt\s+registrieren"
    r"|(?:zu\s+den\s+|jetzt\s+)?(?:tickets?|karten)(?:\s+(?:kaufen|sichern|bestellen|buchen))?"
    r"|zum\s+ticket-?shop",
    re.IGNORECASE,
)
# Accounts, logins and subscriptions answer "anmelden" too.
_NOT_THE_EVENT = re.compile(
    r"newsletter|log-?in|logout|einlogg|konto|passwort|account|regist(?:er|rier)|sign-?(?:in|up)"
    r"|subscri|abonn|benutzer|/user|mein|myportal|/tag/",
    re.IGNORECASE,
)
_MAX_LINKS = 3


_FRAME_TAGS = frozenset({"nav", "header", "footer", "menu"})
# Sidebars and event boxes may hold the button; the page's frame may not.
_FRAME_WORDS = re.compile(r"nav|menu|header|footer|cookie|login|account|newsletter", re.I)


def _in_page_frame(anchor: etree._Element) -> bool:
    for el in anchor.iterancestors():
        if el.tag in _FRAME_TAGS or _FRAME_WORDS.search(attr_text(el)):
            return True
    return False


def registration_links(tree: etree._Element, base_url: str) -> list[tuple[str, str]]:
    """(anchor text, absolute URL) of up to three links offering registration or tickets."""
    found: list[tuple[str, str]] = []
    for anchor in _CANDIDATES(tree):
        text = " ".join(anchor.text_content().split()).strip(" »›>→")
        href = (anchor.get("href") or "").strip()
        if not _OFFER.fullmatch(text) or _NOT_THE_EVENT.search(href):
            continue
        if href.startswith(("#", "javascript:", "mailto:")) or _in_page_frame(anchor):
            continue
        found.append((text, urljoin(base_url, href)))
        if len(found) == _MAX_LINKS:
            break
    return found
