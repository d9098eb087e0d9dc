"""Off-site is off-site: redirects obey ``allowed_domains`` even from start URLs.

Scrapy's off-site middleware lets every request with ``dont_filter`` through, and a redirect
inherits the flag from its request: a start URL that redirected to another host had that host
fetched. Here a redirect hop must land in ``allowed_domains`` or in the source's opt-in
``redirect_domains``, whatever its flags; everything else keeps Scrapy's behaviour.
"""

from __future__ import annotations

import logging
import re

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from citynews.crawler.middlewares import record

logger = logging.getLogger(__name__)


def host_pattern(domains: list[str]) -> re.Pattern[str]:
    """Hosts of these domains and their subdomains, as Scrapy's off-site rule reads them."""
    escaped = "|".join(re.escape(d) for d in domains if d)
    return re.compile(rf"^(.*\.)?({escaped})$" if escaped else r"(?!)")


class OffsiteRedirectMiddleware(OffsiteMiddleware):
    """Scrapy's off-site filter, plus a check of every redirect hop (recorded when refused)."""

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not request.meta.get("redirect_urls"):
            return super().process_request(request)
        target = self.crawler.spider
        domains = [
            *getattr(target, "allowed_domains", []),
            *getattr(target, "redirect_domains", []),
        ]
        host = urlparse_cached(request).hostname or ""
        if not domains or host_pattern(domains).search(host):
            return None
        origin = request.meta["redirect_urls"][0]
        message = f"redirect from {origin} leaves the allowed domains for {host!r}"
        logger.warning("%s: %s (add it to redirect_domains to allow it)", target.name, message)
        record(
            self.crawler,
            origin,
            outcome="redirect-off-site",
            kind=request.meta.get("citynews_kind"),
            error=f"{message}: {request.url}",
        )
        raise IgnoreRequest(f"Filtered offsite request to {host!r}")
