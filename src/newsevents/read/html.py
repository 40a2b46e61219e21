"""Articles from HTML pages: main text, title, url and publication date, with trafilatura."""

from __future__ import annotations

import logging
from typing import Optional

from ..errors import BadRecord, EmptyInput
from ..schema import Article
from .article import article_from_text, parse_date

log = logging.getLogger(__name__)


def article_from_html(html: str, origin: str, *, id: Optional[str] = None) -> Article:
    """The news article in an HTML page: its main text (menus, footers and comments left out),
    with the page's title, canonical url and publication date. Raises EmptyInput when the page
    has no main text, BadRecord when it cannot be parsed."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # a third-party parser: any failure means this page is unusable
        log.debug("trafilatura failed on %s", origin, exc_info=True)
        raise BadRecord(f"{origin}: the HTML page cannot be parsed ({exc}).") from exc
    text = (doc.text or "").strip() if doc is not None else ""
    if not text:
        raise EmptyInput(f"{origin} (no main text found in the HTML page)")
    title = (doc.title or "").strip() or None
    if title:
        first, _, rest = text.partition("\n")
        if first.strip().casefold() == title.casefold() and rest.strip():
            text = rest  # the headline repeated as the first line of the main text
    return article_from_text(text, origin, id=id, date=parse_date(doc.date), title=title,
                             url=(doc.url or "").strip() or None)
