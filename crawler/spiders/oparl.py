"""OParl council systems: System → Body → the body's meeting and paper lists, page by page.

The organization list is read first (meetings name their committees only by URL); then the
meeting and paper lists, with ``modified_since`` set to the start of the last successful
crawl, so a re-crawl only transfers what changed. A broken page of a list is counted and
logged; the pages read before it are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Response

from citynews.crawler.spiders.machine import MachineSpider
from citynews.crawler.state import get_state
from citynews.errors import InputError
from citynews.normalize import oparl
from citynews.normalize.records import ReadResult

logger = logging.getLogger(__name__)

# Clocks of council systems and of this machine differ; asking for a little more than
# strictly changed costs a few unchanged objects, asking for less loses changes.
SINCE_MARGIN = timedelta(hours=1)


class OparlSpider(MachineSpider):
    name = "oparl"

    def parse_export(self, response: Response) -> Iterator[Any]:
        """A start URL: a System (follow its body list) or a Body."""
        obj = self._load(response)
        kind = oparl.object_type(obj) if isinstance(obj, dict) else ""
        if kind == "System" and isinstance(obj.get("body"), str):
            yield self._request(obj["body"], self.parse_bodies)
        elif kind == "Body":
            yield from self._follow_body(obj)
        elif obj is not None:
            self._bad(response, f"not an OParl System or Body (type {kind or 'missing'})")

    def parse_bodies(self, response: Response) -> Iterator[Any]:
        items, next_url = self._page(response)
        for body in items:
            if oparl.object_type(body) == "Body":
                yield from self._follow_body(body)
        if next_url:
            yield self._request(next_url, self.parse_bodies)

    def parse_organizations(
        self, response: Response, body: dict[str, Any], names: dict[str, str]
    ) -> Iterator[Any]:
        items, next_url = self._page(response)
        names.update(oparl.organization_names(items))
        if next_url:
            yield self._request(next_url, self.parse_organizations, body=body, names=names)
        else:
            yield from self._follow_lists(body, names)

    def parse_meetings(self, response: Response, ags: str | None, names: dict[str, str]):
        items, next_url = self._page(response)
        result = ReadResult()
        for meeting in items:
            self._read_one(result, oparl.meeting_record, meeting, names, ags)
        yield from self.emit(result, response)
        if next_url:
            yield self._request(next_url, self.parse_meetings, ags=ags, names=names)

    def parse_papers(self, response: Response, ags: str | None):
        items, next_url = self._page(response)
        result = ReadResult()
        for paper in items:
            self._read_one(result, oparl.paper_record, paper, ags)
        yield from self.emit(result, response)
        if next_url:
            yield self._request(next_url, self.parse_papers, ags=ags)

    # --- helpers -------------------------------------------------------------------------------

    def _follow_body(self, body: dict[str, Any]) -> Iterator[scrapy.Request]:
        if isinstance(body.get("organization"), str):
            yield self._request(body["organization"], self.parse_organizations, body=body, names={})
        else:
            yield from self._follow_lists(body, {})

    def _follow_lists(self, body: dict[str, Any], names: dict[str, str]) -> Iterator[Any]:
        ags = oparl.body_ags(body)
        since = self._since()
        if isinstance(body.get("meeting"), str):
            url = oparl.with_modified_since(body["meeting"], since)
            yield self._request(url, self.parse_meetings, ags=ags, names=names)
        if isinstance(body.get("paper"), str):
            url = oparl.with_modified_since(body["paper"], since)
            yield self._request(url, self.parse_papers, ags=ags)

    def _since(self) -> datetime | None:
        """Start of the last crawl of this source without errors: after a partial one (a
        broken list page) the lists are read in full again, so nothing skipped stays lost."""
        state = get_state(self.crawler)
        if state.full:
            return None
        row = state.store.db.execute(
            "select max(started_at) from crawl_runs where source = ? and id != ? and status = 'ok'",
            (self.source.name, state.run_id),
        ).fetchone()
        if not row or not row[0]:
            return None
        return datetime.fromisoformat(row[0].replace("Z", "+00:00")) - SINCE_MARGIN

    def _read_one(self, result: ReadResult, reader: Any, obj: Any, *args: Any) -> None:
        try:
            record = reader(obj, *args)
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            result.problems.append(
                f"object {obj.get('id') if isinstance(obj, dict) else '?'}: {exc}"
            )
            return
        if record is not None:
            result.records.append(record)

    def _load(self, response: Response) -> Any:
        try:
            return oparl.load(response.body, response.url)
        except InputError as exc:
            self._bad(response, str(exc))
            return None

    def _page(self, response: Response) -> tuple[list[dict[str, Any]], str | None]:
        try:
            return oparl.parse_list(response.body, response.url)
        except InputError as exc:
            self._bad(response, str(exc))
            return [], None

    def _bad(self, response: Response, problem: str) -> None:
        logger.warning("%s: %s", self.source.name, problem)
        self._record(response.url, "bad-record", status=response.status, error=problem)

    def _request(self, url: str, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        dont_filter = cb_kwargs.pop("dont_filter", False)
        request = super()._request(url, callback, dont_filter=dont_filter)
        request.cb_kwargs.update(cb_kwargs)
        return request
