"""Page metadata: canonical URL, title without the site's name, language, keywords, summary."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from citynews.model import Hints
from citynews.normalize.regions import in_boilerplate, norm_text, select_text
from citynews.normalize.structured import as_text, types_of


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _same_site(a: str, b: str) -> bool:
    ha, hb = _host(a), _host(b)
    if not ha or not hb:
        return False
    return ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha)


def canonical_url(tree: etree._Element, meta: dict[str, list[str]], url: str) -> str:
    candidates = [
        el.get("href")
        for el in tree.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split()
    ]
    candidates += meta.get("og:url", [])
    for href in candidates:
        if not href or not href.strip() or href.strip().startswith(("#", "javascript:")):
            continue
        absolute = urljoin(url, href.strip())
        # A saved page (file://) knows where it came from better than its path does.
        trusted = _same_site(absolute, url) or urlsplit(url).scheme == "file"
        if urlsplit(absolute).scheme in ("http", "https") and trusted:
            return absolute
    return url


_TITLE_SEP = re.compile(r"\s+(?:[-–—|·»:]|::)\s+")


def site_names(meta: dict[str, list[str]], jsonld: list[dict[str, Any]], url: str) -> list[str]:
    names = list(meta.get("og:site_name", [])) + list(meta.get("application-name", []))
    for obj in jsonld:
        kinds = types_of(obj)
        if "WebSite" in kinds or "Organization" in kinds or "GovernmentOrganization" in kinds:
            name = as_text(obj.get("name"))
            if name:
                names.append(name)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and (name := as_text(publisher.get("name"))):
            names.append(name)
    labels = [lab for lab in _host(url).split(".")[:-1] if len(lab) > 2]
    return [n for n in (norm_text(x) for x in names) if n] + [norm_text(lab) for lab in labels]


def _is_site_name(part: str, sites: list[str]) -> bool:
    norm = norm_text(part)
    if not norm:
        return True
    return any(site and (site in norm or norm in site) for site in sites)


def strip_site_name(title: str, sites: list[str]) -> str:
    """``title`` without a leading or trailing part that names the site."""
    title = " ".join(title.split())
    parts = _TITLE_SEP.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEP.findall(title)
    # Only the outermost part is a candidate: inner parts are the headline's own punctuation.
    if _is_site_name(parts[-1], sites):
        kept = title[: title.rfind(seps[-1])].strip()
        if kept:
            return strip_site_name(kept, sites)
    if _is_site_name(parts[0], sites):
        kept = title[title.find(seps[0]) + len(seps[0]) :].strip()
        if kept:
            return kept
    return title


def page_title(
    tree: etree._Element,
    meta: dict[str, list[str]],
    entities: list[dict[str, Any]],
    hints: Hints,
    sites: list[str],
) -> str | None:
    candidates: list[str | None] = []
    if hints.selectors.get("title"):
        candidates.extend(select_text(tree, hints.selectors["title"])[:1])
    candidates.extend(as_text(obj.get("headline")) for obj in entities)
    candidates.extend(meta.get("og:title", [])[:1])
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if text and not in_boilerplate(h1):
            candidates.append(text)
            break
    title_el = tree.find(".//title")
    if title_el is not None:
        candidates.append(title_el.text_content())
    candidates.append(hints.title)
    for cand in candidates:
        if cand and cand.strip():
            return strip_site_name(cand, sites)
    return None


def page_language(tree: etree._Element, meta: dict[str, list[str]]) -> str | None:
    values = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    values += meta.get("content-language", []) + meta.get("language", [])
    values += meta.get("dc.language", []) + meta.get("og:locale", [])
    for value in values:
        if not value:
            continue
        code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
        if 2 <= len(code) <= 3 and code.isalpha():
            return code
    return None


_KEYWORD_LABEL = re.compile(
    r"^\s*(?:Stichw(?:ö|oe)rter|Schlagw(?:ö|oe)rter|Schlagworte|Tags)\s*:", re.I
)


def _split_keywords(text: str) -> list[str]:
    return [k.strip(" .;·") for k in re.split(r"[,;|]", text) if k.strip(" .;·")]


def page_keywords(
    tree: etree._Element, meta: dict[str, list[str]], entities: list[dict[str, Any]]
) -> list[str]:
    found: list[str] = []
    for el in tree.iter("p", "div", "span", "strong", "b", "dt", "li", "h3", "h4"):
        if not _KEYWORD_LABEL.match(el.text or ""):
            continue
        holder = el
        # "<strong>Stichwörter:</strong> <a>A</a>, <a>B</a>": the tags are the label's siblings.
        while holder is not None and not _KEYWORD_LABEL.sub("", holder.text_content()).strip():
            holder = holder.getparent()
        if holder is not None:
            found.extend(_split_keywords(_KEYWORD_LABEL.sub("", holder.text_content(), count=1)))
        break
    for key in ("keywords", "news_keywords"):
        for value in meta.get(key, []):
            found.extend(_split_keywords(value))
    found.extend(v.strip() for v in meta.get("article:tag", []))
    for obj in entities[:1]:
        raw = obj.get("keywords")
        if isinstance(raw, str):
            found.extend(_split_keywords(raw))
        elif isinstance(raw, list):
            found.extend(str(k).strip() for k in raw if isinstance(k, str | int) and str(k).strip())
    seen: set[str] = set()
    result: list[str] = []
    for kw in found:
        key = kw.casefold()
        if kw and key not in seen:
            seen.add(key)
            result.append(kw)
    return result


def page_summary(meta: dict[str, list[str]], text: str, limit: int = 300) -> str:
    for key in ("description", "og:description", "twitter:description", "dc.description"):
        for value in meta.get(key, []):
            value = " ".join(value.split())
            if value:
                return value
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:–-") + " …"
