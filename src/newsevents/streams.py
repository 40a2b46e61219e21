"""Small helpers for streaming work in batches (itertools.batched arrives only in Python 3.12)."""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items, read lazily from ``items``."""
    stream = iter(items)
    while batch := list(islice(stream, size)):
        yield batch
