"""The sample portal smartcity.halle.example: the smart-city pages of Halle (Saale)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Any

from citynews.model import BERLIN
from citynews.sample.render import (
    CSS,
    RSS,
    SVG,
    TEXT,
    DateValue,
    Out,
    SampleSite,
    SiteData,
    as_utc,
    by_date,
    de_date,
    esc,
    iso,
    jsonld_script,
    newest_stamp,
    page_writer,
    paragraphs,
    render_static,
    robots_txt,
    shorten,
    split_address,
    svg_image,
)

HOST = "smartcity.halle.example"


def page_path(page: dict[str, Any]) -> str:
    section = "veranstaltungen" if page["kind"] == "event" else "aktuelles"
    return f"/smart-city/{section}/{page['slug']}/"


C_ORG = {"@type": "GovernmentOrganization", "name": "Stadt Halle (Saale)"}


def _c_jsonld_news(page: dict[str, Any], image: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page["title"],
        "description": page["lead"],
        "datePublished": iso(page["published"]),
        "dateModified": iso(page.get("modified") or page["published"]),
        "author": C_ORG,
        "publisher": {
            **C_ORG,
            "logo": {"@type": "ImageObject", "url": f"http://{HOST}/smart-city/logo.svg"},
        },
        "mainEntityOfPage": page["url"],
        "inLanguage": "de-DE",
        "keywords": ", ".join(page["keywords"]),
    }
    if image:
        data["image"] = f"http://{HOST}{image}"
    return data


def _c_jsonld_event(page: dict[str, Any]) -> dict[str, Any]:
    gt = page["events"][0]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": gt["title"],
        "description": page["lead"],
        "startDate": iso(gt["start"]),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": {"@type": "Organization", "name": page["details"]["organizer"]},
        "url": page["url"],
    }
    if gt.get("end") is not None:
        data["endDate"] = iso(gt["end"])
    street, postcode, town = split_address(gt["address"])
    address = {
        "@type": "PostalAddress",
        "postalCode": postcode,
        "addressLocality": town,
        "addressCountry": "DE",
    }
    if street:
        address["streetAddress"] = street
    data["location"] = {"@type": "Place", "name": gt["venue"], "address": address}
    if gt.get("registration_url"):
        data["offers"] = {
            "@type": "Offer",
            "url": gt["registration_url"],
            "price": "0",
            "priceCurrency": "EUR",
        }
    return data


def _c_teaser(page: dict[str, Any]) -> str:
    return (
        f'<div class="teaser"><time datetime="{iso(page["published"])}">'
        f"{de_date(page['published'])}</time>\n"
        f'<h3><a href="{page["path"]}">{esc(page["title"])}</a>'
        f"</h3>\n<p>{esc(shorten(page['lead']))} …</p></div>"
    )


def render(site: SiteData) -> Out:
    t = site.templates
    out = Out(site.host, as_utc(site.meta["updated"]))
    news = by_date(site.pages, "article")
    events = sorted(by_date(site.pages, "event"), key=lambda p: as_utc(p["events"][0]["start"]))

    def next_event_box(after: DateValue) -> str:
        # What the CMS shows as "next event" depends on when the page was published.
        later = [p for p in events if as_utc(p["events"][0]["start"]) >= as_utc(after)]
        nxt = (later or events[-1:])[0]
        return (
            '<div class="box naechste-veranstaltung"><h2>Nächste Veranstaltung</h2>\n'
            f'<p class="datum">{de_date(nxt["events"][0]["start"])}</p>\n'
            f'<p><a href="{nxt["path"]}">{esc(nxt["title"])}</a></p></div>'
        )

    page = page_writer(out, site, t["layout"])

    def figure(p: dict[str, Any]) -> tuple[str, str | None]:
        image = p.get("image")
        if not image:
            return "", None
        src = f"/smart-city/medien/{p['slug']}.svg"
        out.add(src, svg_image(image["caption"]), SVG, p["published"])
        return (
            f'<figure class="bild"><img src="{src}" alt="{esc(image["caption"])}">'
            f'<figcaption>{esc(image["caption"])}<br><span class="foto">© Fotoquelle: '
            f"{esc(image['credit'])}</span></figcaption></figure>",
            src,
        )

    def byline(p: dict[str, Any]) -> str:
        text = (
            f'Veröffentlicht am <time datetime="{iso(p["published"])}">'
            f"{de_date(p['published'])}</time>"
        )
        if p.get("modified"):
            text += (
                f' · aktualisiert am <time datetime="{iso(p["modified"])}">'
                f"{de_date(p['modified'])}</time>"
            )
        return text + f" · {esc(p['author'])}"

    others_box = (
        '<div class="box"><h2>Aktuelles</h2>\n<ul>\n'
        + "\n".join(
            f'<li><time datetime="{iso(p["published"])}">{de_date(p["published"])}</time> '
            f'<a href="{p["path"]}">{esc(p["title"])}</a></li>'
            for p in news[:4]
        )
        + "\n</ul></div>"
    )

    for item in news:
        fig, src = figure(item)
        main = t["news"].substitute(
            title=esc(item["title"]),
            byline=byline(item),
            lead=esc(item["lead"]),
            figure=fig,
            body=paragraphs(item["body"]),
            tags=", ".join(esc(k) for k in item["keywords"]),
        )
        page(
            item["path"],
            item["title"],
            main,
            next_event_box(item["published"]) + "\n" + others_box,
            item["lead"],
            item.get("modified") or item["published"],
            jsonld_script(_c_jsonld_news(item, src)),
        )

    for ev in events:
        d, gt = ev["details"], ev["events"][0]
        rows = [f'<li class="event-datum">{esc(d["date_text"])}</li>']
        if d.get("time_text"):
            rows.append(f'<li class="event-zeit">{esc(d["time_text"])}</li>')
        rows.append(f'<li class="event-ort">{esc(gt["venue"])}, {esc(gt["address"])}</li>')
        rows.append(f'<li class="event-veranstalter">Veranstalter: {esc(d["organizer"])}</li>')
        registration = ""
        if gt.get("registration_url"):
            registration = (
                f'<p><a class="btn" href="{esc(gt["registration_url"])}">Zur Anmeldung</a></p>'
            )
        fig, _ = figure(ev)
        main = t["event"].substitute(
            title=esc(ev["title"]),
            byline=byline(ev),
            lead=esc(ev["lead"]),
            figure=fig,
            details="\n".join(rows),
            registration=registration,
            body=paragraphs(ev["body"]),
        )
        page(
            ev["path"],
            ev["title"],
            main,
            others_box,
            ev["lead"],
            ev.get("modified") or ev["published"],
            jsonld_script(_c_jsonld_event(ev)),
        )

    listing = t["listing"]
    page(
        "/smart-city/aktuelles/",
        "Aktuelles",
        listing.substitute(
            heading="Aktuelles aus der Smart City", teasers="\n".join(_c_teaser(p) for p in news)
        ),
        next_event_box(news[0]["published"]),
        site.meta["tagline"],
        newest_stamp(news, site.meta["updated"]),
    )
    page(
        "/smart-city/veranstaltungen/",
        "Veranstaltungen",
        listing.substitute(
            heading="Veranstaltungen", teasers="\n".join(_c_teaser(p) for p in events)
        ),
        others_box,
        site.meta["tagline"],
        newest_stamp(events, site.meta["updated"]),
    )
    home = listing.substitute(
        heading="Smart City Halle (Saale)",
        teasers="\n".join(_c_teaser(p) for p in news[:3]),
    )
    page(
        "/smart-city/",
        "Smart City",
        home,
        next_event_box(news[0]["published"]),
        site.meta["tagline"],
        newest_stamp(site.pages, site.meta["updated"]),
    )
    page(
        "/",
        "Stadtportal",
        listing.substitute(heading="Stadt Halle (Saale)", teasers=site.meta["portal_html"]),
        "",
        site.meta["tagline"],
        None,
    )
    render_static(site, out, t["layout"])
    out.add("/robots.txt", robots_txt(["/suche/"]), TEXT)
    out.add("/smart-city/assets/halle.css", site.meta["css"], CSS)
    out.add("/smart-city/logo.svg", svg_image("Smart City Halle (Saale)"), SVG)

    everything = sorted(news + events, key=lambda p: as_utc(p["published"]), reverse=True)
    items = "\n".join(
        "<item>\n"
        f"<title>{esc(p['title'])}</title>\n<link>{p['url']}</link>\n"
        f'<guid isPermaLink="true">{p["url"]}</guid>\n'
        f"<pubDate>{format_datetime(_published_dt(p['published']))}</pubDate>\n"
        f"<category>{'Veranstaltungen' if p['kind'] == 'event' else 'Aktuelles'}</category>\n"
        f"<description>{esc(p['lead'])}</description>\n</item>"
        for p in everything
    )
    newest = newest_stamp(everything, site.meta["updated"])
    out.add(
        "/smart-city/feed.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        "<title>Smart City Halle (Saale)</title>\n"
        f"<link>http://{site.host}/smart-city/</link>\n"
        "<description>Neuigkeiten und Veranstaltungen der Smart City Halle (Saale)</description>\n"
        "<language>de-de</language>\n"
        f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n"
        f'<atom:link href="http://{site.host}/smart-city/feed.xml" rel="self" '
        'type="application/rss+xml"/>\n'
        f"{items}\n</channel>\n</rss>\n",
        RSS,
        newest,
    )
    return out


def _published_dt(value: DateValue) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=BERLIN)


SITE = SampleSite(HOST, page_path, render)
