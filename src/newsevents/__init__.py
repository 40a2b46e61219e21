"""newsevents: news articles in, a source-linked database of political and human-rights events out.

    >>> import newsevents
    >>> result = newsevents.extract(text, date="2017-01-20")
    >>> result.events[0].type

The extraction API is imported on first use, so importing a single stage module
(``newsevents.extract.times``) does not load the whole pipeline.
"""

import logging

from .errors import NewsEventsError
from .schema import Article, ArticleResult, Event
from .settings import Settings, load_settings

__version__ = "0.1.0"
__all__ = [
    "Article",
    "ArticleResult",
    "Event",
    "NewsEventsError",
    "Settings",
    "extract",
    "extract_articles",
    "load_settings",
    "__version__",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):
    if name in ("extract", "extract_articles"):
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'newsevents' has no attribute {name!r}")
