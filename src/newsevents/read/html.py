"""Articles from HTML pages: main text, title, url and publication date, with trafilatura."""

from __future__ import annotations

import logging
import re
from typing import Optional, Sequence

from ..errors import BadRecord, EmptyInput
from ..schema import Article, Notice
from .article import article_from_text, parse_date

log = logging.getLogger(__name__)


# libxml2 takes time quadratic in the number of attributes of one tag: a page built to stall
# the parser is refused before parsing. Real tags have tens of attributes.
MAX_TAG_WORDS = 1000  # in one tag
MAX_LONG_TAG_WORDS = 20_000  # in all the tags longer than 2,000 characters of a page
_LONG_TAG = re.compile(r"<[A-Za-z][^<>]{2000,}")


def _check_tags(html: str, origin: str) -> None:
    """BadRecord when a tag holds more than MAX_TAG_WORDS attributes (words), or long tags
    hold more than MAX_LONG_TAG_WORDS together."""
    total = 0
    for m in _LONG_TAG.finditer(html):
        words = len(m.group().split())
        total += words
        if words > MAX_TAG_WORDS or total > MAX_LONG_TAG_WORDS:
            raise BadRecord(f"{origin}: an HTML tag at character {m.start()} has {words} "
                            f"attributes or words (more than {MAX_TAG_WORDS}); this is not a news "
                            "page that can be parsed safely. Save the article as plain text.")


def article_from_html(html: str, origin: str, *, id: Optional[str] = None,
                      warnings: Sequence[Notice] = (),
                      max_chars: Optional[int] = None) -> Article:
    """The news article in an HTML page: its main text (menus, footers and comments left out),
    with the page's title, canonical url and publication date; a main text longer than
    ``max_chars`` is cut as ``article_from_text`` does. Raises EmptyInput when the page
    has no main text, BadRecord when it cannot be parsed."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    _check_tags(html, origin)
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
                             url=(doc.url or "").strip() or None, warnings=warnings,
                             max_chars=max_chars)
