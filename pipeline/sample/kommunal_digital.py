"""The sample portal kommunal-digital.example: a "K21"-style news portal with events."""

from __future__ import annotations

from typing import Any

from citynews.sample.render import (
    CSS,
    SVG,
    TEXT,
    Out,
    SampleSite,
    SiteData,
    as_utc,
    by_date,
    de_date,
    esc,
    newest_stamp,
    page_writer,
    paragraphs,
    render_static,
    robots_txt,
    shorten,
    svg_image,
    tag_slug,
)

HOST = "kommunal-digital.example"


def page_path(page: dict[str, Any]) -> str:
    if page["kind"] == "event":
        return f"/k21-termine/{page['slug']}/"
    return f"/k21-meldungen/meldung-{page['id']}-{page['slug']}/"


A_PAGE_SIZE = 6


def _a_teaser(page: dict[str, Any]) -> str:
    date_html = (
        f'<span class="datum">[{de_date(page["published"])}]</span> ' if "published" in page else ""
    )
    return (
        f'<div class="k21-teaser">\n<p class="k21-teaser-kopf">{date_html}'
        f'<a class="titel" href="{page["path"]}">{esc(page["title"])}</a></p>\n'
        f'<p class="anriss">{esc(shorten(page["lead"]))} … '
        f'<a class="mehr" href="{page["path"]}">mehr...</a></p>\n</div>'
    )


def _a_event_line(page: dict[str, Any]) -> str:
    return (
        f'<li><span class="datum">{esc(page["details"]["date_text"])}</span> '
        f'<a href="{page["path"]}">{esc(page["title"])}</a></li>'
    )


def _a_figure(page: dict[str, Any], src: str) -> str:
    image = page.get("image")
    if not image:
        return ""
    return (
        f'<figure class="k21-bild"><img src="{src}" alt="{esc(image["caption"])}" width="640" '
        f'height="360">\n<figcaption>{esc(image["caption"])} '
        f'<span class="bildnachweis">Foto: © {esc(image["credit"])}</span></figcaption></figure>'
    )


def render(site: SiteData) -> Out:
    t = site.templates
    out = Out(site.host, as_utc(site.meta["updated"]))
    articles = by_date(site.pages, "article")
    events = by_date(site.pages, "event")
    termine_box = (
        '<div class="box termine">\n<h3>Termine</h3>\n<ul>\n'
        + "\n".join(_a_event_line(p) for p in reversed(events))
        + '\n</ul>\n<p><a href="/k21-termine/">Alle Termine</a></p>\n</div>'
    )
    ad_box = (
        '<div class="box anzeige"><p class="hinweis">Anzeige</p>\n'
        "<p>Fachmagazin für die digitale Kommune – jetzt den kostenlosen Newsletter bestellen "
        "und jeden Freitag die wichtigsten Meldungen erhalten.</p></div>"
    )

    page = page_writer(out, site, t["layout"])

    for i, art in enumerate(articles):
        others = [articles[(i + k) % len(articles)] for k in range(1, 5)]
        weitere = (
            '<div class="box weitere-meldungen">\n<h3>Weitere Meldungen</h3>\n<ul>\n'
            + "\n".join(
                f'<li><span class="datum">[{de_date(o["published"])}]</span> '
                f'<a href="{o["path"]}">{esc(o["title"])}</a></li>'
                for o in others
            )
            + "\n</ul>\n</div>"
        )
        tags = ", ".join(
            f'<a href="/k21-stichwort/{tag_slug(k)}/">{esc(k)}</a>' for k in art["keywords"]
        )
        image_path = f"/medien/k21-{art['id']}.svg"
        if art.get("image"):
            out.add(image_path, svg_image(art["image"]["caption"]), SVG, art["published"])
        main = t["article"].substitute(
            rubric=esc(art["rubric"]),
            title=esc(art["title"]),
            date_de=de_date(art["published"]),
            lead=esc(art["lead"]),
            figure=_a_figure(art, image_path),
            body=paragraphs(art["body"]),
            author=esc(art["author"]),
            tags=tags,
            share=esc(art["url"]),
        )
        page(
            art["path"],
            art["title"],
            main,
            weitere + "\n" + termine_box + "\n" + ad_box,
            art["lead"],
            art.get("modified") or art["published"],
        )

    for ev in events:
        d = ev["details"]
        rows = [("Datum", esc(d["date_text"]))]
        if d.get("time_text"):
            rows.append(("Uhrzeit", esc(d["time_text"])))
        rows.append(("Ort", "<br>".join(esc(x) for x in d["place_lines"])))
        rows.append(("Veranstalter", esc(d["organizer"])))
        if d.get("link"):
            rows.append(
                ("Weitere Informationen", f'<a href="{esc(d["link"])}">{esc(d["link"])}</a>')
            )
        details = "\n".join(f"<tr><th>{k}:</th><td>{v}</td></tr>" for k, v in rows)
        main = t["event"].substitute(
            title=esc(ev["title"]),
            details=details,
            lead=esc(ev["lead"]),
            body=paragraphs(ev["body"]),
        )
        latest = '<div class="box weitere-meldungen">\n<h3>Aktuelle Meldungen</h3>\n<ul>\n'
        latest += "\n".join(
            f'<li><span class="datum">[{de_date(o["published"])}]</span> '
            f'<a href="{o["path"]}">{esc(o["title"])}</a></li>'
            for o in articles[:4]
        )
        page(
            ev["path"],
            ev["title"],
            main,
            latest + "\n</ul>\n</div>\n" + termine_box,
            ev["lead"],
            None,
        )

    draft = site.meta["draft"]
    listing_pages = [articles[i : i + A_PAGE_SIZE] for i in range(0, len(articles), A_PAGE_SIZE)]
    for n, chunk in enumerate(listing_pages, start=1):
        path = "/k21-meldungen/" if n == 1 else f"/k21-meldungen/seite-{n}/"
        teasers = [_a_teaser(p) for p in chunk]
        if n == 2:
            # The CMS leaks a draft into the listing; only robots.txt keeps crawlers out.
            teasers.insert(3, _a_teaser({**draft, "path": "/intern/entwurf/"}))
        nav = []
        if n > 1:
            prev = "/k21-meldungen/" if n == 2 else f"/k21-meldungen/seite-{n - 1}/"
            nav.append(f'<a class="pagination-prev" href="{prev}">vorherige Seite</a>')
        nav.append(f'<span class="pagination-current">Seite {n} von {len(listing_pages)}</span>')
        if n < len(listing_pages):
            nav.append(
                f'<a class="pagination-next" href="/k21-meldungen/seite-{n + 1}/">nächste Seite</a>'
            )
        main = t["listing"].substitute(
            heading="Meldungen" if n == 1 else f"Meldungen – Seite {n}",
            teasers="\n".join(teasers),
            pagination=" ".join(nav),
        )
        page(
            path,
            "Meldungen",
            main,
            termine_box + "\n" + ad_box,
            site.meta["tagline"],
            newest_stamp(chunk, site.meta["updated"]),
        )

    main = t["listing"].substitute(
        heading="Termine",
        teasers="\n".join(_a_teaser(p) for p in reversed(events)),
        pagination="",
    )
    page("/k21-termine/", "Termine", main, ad_box, site.meta["tagline"], None)

    tags: dict[str, list[dict[str, Any]]] = {}
    for art in articles:
        for k in art["keywords"]:
            tags.setdefault(k, []).append(art)
    for keyword, tagged in sorted(tags.items()):
        main = t["listing"].substitute(
            heading=f"Stichwort: {esc(keyword)}",
            teasers="\n".join(_a_teaser(p) for p in tagged),
            pagination="",
        )
        page(
            f"/k21-stichwort/{tag_slug(keyword)}/",
            f"Stichwort: {keyword}",
            main,
            ad_box,
            site.meta["tagline"],
            newest_stamp(tagged, site.meta["updated"]),
        )

    main = t["article"].substitute(
        rubric="Intern",
        title=esc(draft["title"]),
        date_de=de_date(draft["published"]),
        lead=esc(draft["lead"]),
        figure="",
        body=paragraphs(draft["body"]),
        author="red",
        tags="",
        share=f"http://{site.host}/intern/entwurf/",
    )
    page("/intern/entwurf/", draft["title"], main, "", draft["lead"], draft["published"])

    home = t["listing"].substitute(
        heading="Aktuelle Meldungen",
        teasers="\n".join(_a_teaser(p) for p in articles[:5]),
        pagination='<a href="/k21-meldungen/">Alle Meldungen</a>',
    )
    page(
        "/",
        site.meta["tagline"],
        home,
        termine_box + "\n" + ad_box,
        site.meta["tagline"],
        newest_stamp(articles, site.meta["updated"]),
    )
    render_static(site, out, t["layout"])
    out.add("/robots.txt", robots_txt(["/intern/", "/suche/"]), TEXT)
    out.add("/static/k21.css", site.meta["css"], CSS)
    return out


SITE = SampleSite(HOST, page_path, render)
