"""Stage 1, read: news articles in, ``Article`` objects out.

Plain text (with optional header lines and a dateline), JSONL, JSON, CSV/TSV, HTML,
directories and standard input. ``read_paths`` never raises for a bad input: it yields a
``ReadProblem`` in its place and the batch goes on.
"""

from .article import (Dateline, article_from_text, find_dateline, normalise_place, parse_date,
                      split_header)
from .html import article_from_html
from .sources import Limits, decode, read_paths, record_article

__all__ = [
    "Dateline", "Limits", "article_from_html", "article_from_text", "decode", "find_dateline",
    "normalise_place", "parse_date", "read_paths", "record_article", "split_header",
]
