"""HTML pages written for the normalizer tests: one German page shape, many snippets."""

from __future__ import annotations


def german_page(title: str, body: str, *, head: str = "", published: str | None = None) -> str:
    """A page with ``title`` as its title and headline, ``body`` (HTML) as its article and
    ``published`` (ISO) as its declared publication time."""
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{title}</title>{meta}{head}</head><body><main><article><h1>{title}</h1>"
        f"{body}</article></main></body></html>"
    )
