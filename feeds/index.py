"""index.html: the feed page for people.

Static, self-contained (no external resources, works offline and without JavaScript), readable
down to 360 px. Per feed: its copyable URL and subscribe links, for topics the three newest
items, for the events feed the next events; a filter box (small progressive JavaScript) over
topics, states and towns; documents per topic per month as an inline SVG chart; the calendar
window stated, with counts taken from the same rows the calendars are made of.
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Any

from citynews.feeds.common import PAST_DAYS, as_datetime, join_url, safe_url, window_start
from citynews.feeds.render import GROUPS
from citynews.model import BERLIN
from citynews.storage.analytics import STATES

CHART_MONTHS = 12
_E = html.escape
_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:62rem;margin:0 auto;padding:.5rem 1rem 2rem;
line-height:1.45;color:#1a1a1a;background:#fff}
a{color:#0645ad;overflow-wrap:anywhere}a:focus,input:focus{outline:2px solid #000}
ul.feeds{list-style:none;padding:0;margin:0 0 1.5rem}
li.feed{border-bottom:1px solid #ccc;padding:.5rem 0}
li.feed h3,li.feed h4{margin:0;font-size:1rem}
.meta{margin:.1rem 0;color:#444;font-size:.9rem}
input.url{width:100%;font:inherit;font-size:.85rem;padding:.2rem;border:1px solid #999}
ul.top{margin:.3rem 0 0;padding-left:1.2rem;font-size:.9rem}
#filterbox input{width:100%;font:inherit;padding:.4rem;border:1px solid #666}
svg{max-width:100%;height:auto}
.chart{overflow-x:auto}.chart svg{min-width:34rem}
details summary{cursor:pointer;font-weight:bold;padding:.3rem 0}
"""
_SCRIPT = """
(function(){var box=document.getElementById('filterbox');box.hidden=false;
var input=document.getElementById('filter');
input.addEventListener('input',function(){var q=input.value.toLowerCase().trim();
document.querySelectorAll('[data-filter]').forEach(function(el){
el.hidden=q!==''&&el.getAttribute('data-filter').indexOf(q)<0;});
document.querySelectorAll('details.state').forEach(function(d){
var shown=d.querySelectorAll('[data-filter]:not([hidden])').length;
d.hidden=shown===0;if(q!==''&&shown>0){d.open=true;}});
document.querySelectorAll('main section').forEach(function(sec){
sec.hidden=sec.querySelectorAll('[data-filter]:not([hidden])').length===0;});});})();
"""


def page_data(
    conn: sqlite3.Connection, sources: dict[str, sqlite3.Row], now: datetime
) -> dict[str, Any]:
    """What index.html shows besides the feed list: sources' health, chart and window."""
    return {
        "sources": _source_status(conn, sources),
        "chart": _topic_months(conn),
        "window_start": as_datetime(window_start(now)),
    }


def _source_status(conn: sqlite3.Connection, sources: dict[str, sqlite3.Row]) -> dict[str, Any]:
    last = {
        row["source"]: row
        for row in conn.execute(
            "select source, max(finished_at) as finished_at, status from crawl_runs"
            " where finished_at is not null group by source"
        )
    }
    ok = dict(
        conn.execute(
            "select source, max(finished_at) from crawl_runs"
            " where status in ('ok', 'partial') group by source"
        ).fetchall()
    )
    counts = dict(conn.execute("select source, count(*) from documents group by source").fetchall())
    return {
        name: {
            "home_url": safe_url(row["home_url"]),
            "documents": counts.get(name, 0),
            "last_ok": as_datetime(ok.get(name)),
            "last_run": as_datetime(last[name]["finished_at"]) if name in last else None,
            "last_status": last[name]["status"] if name in last else None,
        }
        for name, row in sources.items()
    }


def _topic_months(conn: sqlite3.Connection) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """The last CHART_MONTHS months with data and each topic's documents in them."""
    try:
        rows = conn.execute(
            "select t.name, tm.month, tm.documents from topic_month tm"
            " join topics t on t.slug = tm.topic where t.slug != 'veranstaltungen'"
            " order by t.position, t.slug"
        ).fetchall()
    except sqlite3.OperationalError:  # a database from before the analyst layer
        return [], []
    months = sorted({r[1] for r in rows if r[1]})[-CHART_MONTHS:]
    series: dict[str, dict[str, int]] = {}
    for name, month, count in rows:
        series.setdefault(name, {})[month] = count
    return months, [(name, [by.get(m, 0) for m in months]) for name, by in series.items()]


def _when(value: datetime | None) -> str:
    if value is None:
        return "–"
    local = value.astimezone(BERLIN)
    return f'<time datetime="{_E(value.isoformat())}">{local:%d.%m.%Y %H:%M}</time>'


def _day(value: datetime | None) -> str:
    if value is None:
        return ""
    return f'<time datetime="{_E(value.isoformat())}">{value.astimezone(BERLIN):%d.%m.%Y}</time>'


def _label(name: str) -> str:
    if name.endswith(".rss.xml"):
        return "RSS"
    if name.endswith(".atom.xml"):
        return "Atom"
    return "iCal (.ics)"


def _feed_entry(f: Any, base_url: str, extra: str = "", heading: str = "h3") -> str:
    """One feed or calendar: name, counts, subscribe links, copyable URL, newest items."""
    state = STATES.get(f.state or "", ("", ""))[0]
    name = f.title.removeprefix("citynews – ")
    noun = "Termine" if f.files[0].endswith(".ics") or f.slug == "veranstaltungen" else "Einträge"
    links = " · ".join(
        f'<a href="{_E(join_url(base_url, n))}">{_E(_label(n))} abonnieren</a>' for n in f.files
    )
    url = join_url(base_url, f.files[0])
    top = "".join(
        f"<li>{_link(title, link)} {_day(when)}</li>" for title, link, when in (f.top or [])
    )
    return (
        f'<li class="feed" data-filter="{_E(f"{name} {state} {f.slug}".lower())}">'
        f"<{heading}>{_E(name)}</{heading}>"
        f'<p class="meta">{f.items} {noun} · Letzte Änderung: {_when(f.updated)}{extra}</p>'
        f'<p class="meta">{links}</p>'
        f'<input class="url" readonly value="{_E(url)}" aria-label="Adresse von {_E(name)}"'
        f' onfocus="this.select()">' + (f'<ul class="top">{top}</ul>' if top else "") + "</li>"
    )


def _link(title: str, url: str | None) -> str:
    url = safe_url(url)
    return f'<a href="{_E(url)}">{_E(title)}</a>' if url else _E(title)


def _source_extra(f: Any, sources: dict[str, Any]) -> str:
    s = sources.get(f.slug.removeprefix("quelle-"))
    if not s:
        return ""
    status = f" ({_E(str(s['last_status']))})" if s["last_status"] else ""
    home = f' · <a href="{_E(s["home_url"])}">Portal</a>' if s["home_url"] else ""
    return (
        f" · {s['documents']} Dokumente gespeichert · Letzter erfolgreicher Abruf:"
        f" {_when(s['last_ok'])} · Letzter Lauf: {_when(s['last_run'])}{status}{home}"
    )


def _chart(months: list[str], series: list[tuple[str, list[int]]]) -> str:
    """Documents per topic per month as an SVG grid: darker cells, more documents."""
    if not months or not series:
        return "<p>Noch keine Dokumente mit Datum.</p>"
    top = max(max(counts) for _, counts in series) or 1
    label_w, cell, row_h = 230, 38, 24
    width, height = label_w + cell * len(months), 30 + row_h * len(series)
    parts = [
        f'<svg role="img" aria-labelledby="chart-title" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"'
        ' font-family="system-ui,sans-serif" font-size="12">',
        '<title id="chart-title">Dokumente pro Thema und Monat</title>',
    ]
    for i, month in enumerate(months):
        x = label_w + i * cell + cell / 2
        parts.append(f'<text x="{x}" y="16" text-anchor="middle">{month[5:7]}/{month[2:4]}</text>')
    for row, (name, counts) in enumerate(series):
        y = 24 + row * row_h
        short = name if len(name) <= 32 else name[:31] + "…"
        parts.append(f'<text x="0" y="{y + 15}">{_E(short)}</text>')
        for i, count in enumerate(counts):
            x = label_w + i * cell
            shade = 0.08 + 0.92 * count / top if count else 0.0
            text_fill = "#fff" if shade > 0.55 else "#000"
            parts.append(
                f"<g><title>{_E(name)}, {months[i]}: {count} Dokumente</title>"
                f'<rect x="{x + 1}" y="{y}" width="{cell - 2}" height="{row_h - 3}"'
                f' fill="#0645ad" fill-opacity="{shade:.2f}" stroke="#ccc"/>'
                f'<text x="{x + cell / 2}" y="{y + 15}" text-anchor="middle"'
                f' fill="{text_fill}">{count}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _head(feeds: list[Any], base_url: str) -> list[str]:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="de">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>citynews – Feeds und Kalender</title>",
        # No favicon request: the page needs nothing but itself.
        '<link rel="icon" href="data:,">',
        f"<style>{_CSS}</style>",
    ]
    for f in feeds:
        if f.group in ("gesamt", "themen"):
            for name, mime in zip(
                f.files, ("application/rss+xml", "application/atom+xml"), strict=True
            ):
                parts.append(
                    f'<link rel="alternate" type="{mime}" title="{_E(f.title)}"'
                    f' href="{_E(join_url(base_url, name))}">'
                )
    return [*parts, "</head>"]


def index_html(feeds: list[Any], data: dict[str, Any], base_url: str) -> bytes:
    """The whole page as UTF-8 bytes; depends on the database only, never on the clock."""
    calendars = {f.slug: f for f in feeds if f.files[0].endswith(".ics")}
    everything = calendars.get("alle-termine")
    start = data["window_start"]
    window = (
        f"Die Kalender enthalten die Termine ab {start.astimezone(BERLIN):%d.%m.%Y}"
        f" ({PAST_DAYS} Tage vor heute) und alle kommenden"
        + (f", zusammen {everything.items} Termine in alle-termine.ics" if everything else "")
        + ". Der Feed „Termine“ zeigt davon die nächsten, kommende zuerst."
    )
    parts = _head(feeds, base_url) + [
        "<body>",
        "<main>",
        "<h1>citynews – Feeds und Kalender</h1>",
        "<p>Meldungen und Termine deutscher Smart-City-Portale als RSS- und Atom-Feeds und als"
        " Kalender (iCalendar). Adresse kopieren und im Feedreader oder Kalender abonnieren."
        " Alle Feeds auf einmal: "
        f'<a href="{_E(join_url(base_url, "feeds.opml"))}">feeds.opml</a> (OPML).</p>',
        f'<p id="calendar-window">{_E(window)}</p>',
        '<p id="filterbox" hidden><label for="filter">Feeds filtern nach Thema, Land oder Ort:'
        '</label><input id="filter" type="search" autocomplete="off"></p>',
    ]
    for group, label in GROUPS.items():
        members = [f for f in feeds if f.group == group]
        if members:
            parts += _group(group, label, members, data, base_url)
    months, series = data["chart"]
    parts += [
        "<h2>Dokumente pro Thema und Monat</h2>",
        f'<div class="chart">{_chart(months, series)}</div>',
        "</main>",
        f"<script>{_SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts).encode("utf-8")


def _with_calendars(members: list[Any]) -> list[tuple[Any, str]]:
    """A place's or source's feed and its calendar as one entry (thousands of places: half the
    page)."""
    by_slug: dict[str, Any] = {}
    extras: dict[str, str] = {}
    for f in members:
        first = by_slug.get(f.slug)
        if first is None:
            by_slug[f.slug] = f
        elif f.files[0].endswith(".ics"):
            by_slug[f.slug] = replace(first, files=[*first.files, *f.files])
            extras[f.slug] = f" · {f.items} Termine im Kalender"
    return [(f, extras.get(slug, "")) for slug, f in by_slug.items()]


def _group(
    group: str, label: str, members: list[Any], data: dict[str, Any], base_url: str
) -> list[str]:
    parts = [f'<section id="{group}">', f"<h2>{_E(label)}</h2>"]
    if group == "quellen":
        # A source's feed and its calendar (a council's meetings) as one entry.
        parts.append('<ul class="feeds">')
        parts += [
            _feed_entry(f, base_url, _source_extra(f, data["sources"]) + extra)
            for f, extra in _with_calendars(members)
        ]
        parts += ["</ul>", "</section>"]
        return parts
    if group != "orte":
        parts.append('<ul class="feeds">')
        parts += [_feed_entry(f, base_url) for f in members]
        parts += ["</ul>", "</section>"]
        return parts
    parts.append(
        "<p>Feeds und Kalender je Gemeinde und Landkreis mit Meldungen, nach Ländern geordnet.</p>"
    )
    for code, (state, _) in STATES.items():
        in_state = _with_calendars([f for f in members if f.state == code])
        if in_state:
            parts += [
                f'<details class="state"><summary>{_E(state)} ({len(in_state)})</summary>',
                '<ul class="feeds">',
                *(_feed_entry(f, base_url, extra, heading="h4") for f, extra in in_state),
                "</ul>",
                "</details>",
            ]
    parts.append("</section>")
    return parts
