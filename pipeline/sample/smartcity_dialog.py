"""The sample portal smartcity-dialog.example: a Drupal programme portal with WordPress news."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from citynews.sample.render import (
    CALENDAR,
    CSS,
    HTML,
    SVG,
    TEXT,
    XML,
    Out,
    SampleSite,
    SiteData,
    as_utc,
    by_date,
    de_date,
    de_long,
    esc,
    iso,
    newest_stamp,
    page_writer,
    paragraphs,
    render_static,
    robots_txt,
    shorten,
    split_address,
    svg_image,
    to_day,
)

HOST = "smartcity-dialog.example"


def page_path(page: dict[str, Any]) -> str:
    section = "veranstaltungen" if page["kind"] == "event" else "aktuelles"
    return f"/{section}/{page['slug']}/"


WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


def _b_event_line(page: dict[str, Any]) -> str:
    start = page["events"][0]["start"]
    return (
        f'<div class="views-row"><span class="date">{WEEKDAYS[to_day(start).weekday()]}, '
        f"{de_date(start)}</span> "
        f'<a href="{page["path"]}" hreflang="de">{esc(page["title"])}</a></div>'
    )


def _b_news_line(page: dict[str, Any]) -> str:
    return (
        f'<div class="views-row"><time datetime="{iso(page["published"])}">'
        f'{de_date(page["published"])}</time> <a href="{page["path"]}">{esc(page["title"])}</a>'
        f"<p>{esc(shorten(page['lead']))} …</p></div>"
    )


def _b_field(name: str, label: str, value: str) -> str:
    return (
        f'<div class="field field--name-field-{name} field--label-above">\n'
        f'<div class="field__label">{label}</div>\n<div class="field__item">{value}</div>\n</div>'
    )


def _b_figure(page: dict[str, Any], src: str) -> str:
    image = page.get("image")
    if not image:
        return ""
    return (
        '<div class="field field--name-field-image">'
        f'<figure><img src="{src}" alt="{esc(image["caption"])}" loading="lazy">'
        f'<figcaption>{esc(image["caption"])} <small class="credit">Bild: © '
        f"{esc(image['credit'])}</small></figcaption></figure></div>"
    )


def _b_calendar(page: dict[str, Any], event: dict[str, Any]) -> str:
    """The event as Drupal's addtocal module offers it: one VEVENT in local time."""
    berlin = ZoneInfo("Europe/Berlin")
    vevent = icalendar.Event()
    vevent.add("uid", f"node-{page['id']}@{HOST}")
    vevent.add("summary", event["title"])
    for name, key in (("dtstart", "start"), ("dtend", "end")):
        value = event.get(key)
        if isinstance(value, datetime):
            vevent.add(name, value.astimezone(berlin))
        elif isinstance(value, date):
            # All-day: DTEND is the day after the last one.
            vevent.add(name, value + timedelta(days=1) if key == "end" else value)
    vevent.add("location", f"{event['venue']}, {event['address']}")
    vevent.add("dtstamp", as_utc(page["published"]))
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{HOST}//addtocal//DE")
    calendar.add("version", "2.0")
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")


def render(site: SiteData) -> Out:
    t = site.templates
    out = Out(site.host, as_utc(site.meta["updated"]))
    events = by_date(site.pages, "event")
    news = by_date(site.pages, "article")
    upcoming = sorted(events, key=lambda p: as_utc(p["events"][0]["start"]))

    page = page_writer(out, site, t["layout"])

    def image(p: dict[str, Any]) -> str:
        src = f"/sites/default/files/{p['slug']}.svg"
        if p.get("image"):
            out.add(src, svg_image(p["image"]["caption"]), SVG, p["published"])
        return _b_figure(p, src)

    for ev in events:
        d, gt = ev["details"], ev["events"][0]
        date_html = f'<time datetime="{iso(gt["start"])}">{esc(d["date_text"])}</time>'
        if gt.get("end") is not None:
            date_html += f' <time class="date-end" datetime="{iso(gt["end"])}"></time>'
        fields = [_b_field("date", "Datum", date_html)]
        if d.get("time_text"):
            fields.append(_b_field("time", "Uhrzeit", esc(d["time_text"])))
        if gt.get("online"):
            fields.append(_b_field("location", "Ort", esc(d["location_text"])))
        else:
            street, postcode, town = split_address(gt["address"])
            fields.append(
                _b_field(
                    "location",
                    "Ort",
                    f'<p class="address"><span class="organization">{esc(gt["venue"])}</span><br>'
                    f'<span class="address-line1">{esc(street)}</span><br>'
                    f'<span class="postal-code">{postcode}</span> '
                    f'<span class="locality">{esc(town)}</span></p>',
                )
            )
        fields.append(_b_field("organizer", "Veranstalter", esc(d["organizer"])))
        if not gt.get("online"):
            ics = f"{ev['path']}kalender.ics"
            out.add(ics, _b_calendar(ev, gt), CALENDAR, ev["published"])
            fields.append(
                '<div class="field field--name-field-addtocal">'
                f'<a class="addtocal" href="{ics}">In den Kalender eintragen</a></div>'
            )
        if gt.get("registration_url"):
            fields.append(
                '<div class="field field--name-field-registration">'
                f'<a class="button button--primary" href="{esc(gt["registration_url"])}">'
                "Zur Anmeldung</a></div>"
            )
        others = [p for p in upcoming if p is not ev][:3]
        sidebar = (
            '<div class="block block-views"><h2>Weitere Veranstaltungen</h2>\n'
            + "\n".join(_b_event_line(p) for p in others)
            + "\n</div>"
        )
        main = t["event"].substitute(
            node_id=ev["id"],
            title=esc(ev["title"]),
            author=esc(ev["author"]),
            published_iso=iso(ev["published"]),
            published_de=de_date(ev["published"]),
            lead=esc(ev["lead"]),
            figure=image(ev),
            details="\n".join(fields),
            body=paragraphs(ev["body"]),
            tags=" ".join(f'<div class="field__item">{esc(k)}</div>' for k in ev["keywords"]),
        )
        page(
            ev["path"],
            ev["title"],
            main,
            sidebar,
            ev["lead"],
            ev.get("modified") or ev["published"],
        )

    for item in news:
        meta = [
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(item["title"])}">',
            f'<meta property="article:published_time" content="{iso(item["published"])}">',
        ]
        if item.get("modified"):
            meta.append(
                f'<meta property="article:modified_time" content="{iso(item["modified"])}">'
            )
        sidebar = (
            '<div class="block block-views"><h2>Nächste Veranstaltungen</h2>\n'
            + "\n".join(_b_event_line(p) for p in upcoming[-3:])
            + "\n</div>\n"
            '<div class="block"><h2>Neueste Beiträge</h2>\n'
            + "\n".join(
                f'<div class="views-row"><a href="{p["path"]}">{esc(p["title"])}</a></div>'
                for p in news
                if p is not item
            )
            + "\n</div>"
        )
        main = t["news"].substitute(
            post_id=item["id"],
            title=esc(item["title"]),
            author=esc(item["author"]),
            published_iso=iso(item["published"]),
            published_long=de_long(item["published"]),
            lead=esc(item["lead"]),
            figure=image(item),
            body=paragraphs(item["body"]),
            tags=", ".join(esc(k) for k in item["keywords"]),
        )
        page(
            item["path"],
            item["title"],
            main,
            sidebar,
            item["lead"],
            item.get("modified") or item["published"],
            "\n".join(meta),
        )

    listing = t["listing"]
    page(
        "/veranstaltungen/",
        "Veranstaltungen",
        listing.substitute(
            heading="Veranstaltungen", rows="\n".join(_b_event_line(p) for p in upcoming)
        ),
        "",
        site.meta["tagline"],
        newest_stamp(events, site.meta["updated"]),
    )
    page(
        "/aktuelles/",
        "Aktuelles",
        listing.substitute(heading="Aktuelles", rows="\n".join(_b_news_line(p) for p in news)),
        "",
        site.meta["tagline"],
        newest_stamp(news, site.meta["updated"]),
    )
    home = listing.substitute(
        heading="Willkommen beim Smart City Dialog",
        rows="\n".join(_b_news_line(p) for p in news[:3])
        + "\n"
        + "\n".join(_b_event_line(p) for p in upcoming[-4:]),
    )
    page(
        "/",
        "Startseite",
        home,
        "",
        site.meta["tagline"],
        newest_stamp(site.pages, site.meta["updated"]),
    )
    render_static(site, out, t["layout"])
    out.add(
        "/robots.txt", robots_txt(["/user/", "/admin/"], f"http://{site.host}/sitemap.xml"), TEXT
    )
    out.add("/themes/custom/scd/css/style.css", site.meta["css"], CSS)

    urls = "\n".join(
        f"<url><loc>http://{site.host}{path}</loc>"
        f"<lastmod>{res.last_modified.isoformat().replace('+00:00', 'Z')}</lastmod></url>"
        for path, res in sorted(out.items.items())
        if res.content_type == HTML
    )
    out.add(
        "/sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n",
        XML,
    )
    return out


SITE = SampleSite(HOST, page_path, render)
