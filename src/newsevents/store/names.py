"""Personal names across spellings: "Hameed-ul-Hassan" and "Hamid ul Hassan" get one key.

The key folds case, accents, hyphens and spacing, drops courtesy titles, and applies the
transliteration rules of ``data/name_variants.tsv`` (doubled vowels, q/k, ph/f, common given
names). Two names with the same key are the same spelling; close keys are compared with
rapidfuzz and need agreeing context (affiliation, role, place) to be merged (store/link.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ..errors import DataFileError
from ..knowledge import data_lines, toml

_NON_LETTER = re.compile(r"[^a-z]+")
_DOUBLE = re.compile(r"([a-z])\1+")


@dataclass(frozen=True)
class NameRules:
    """The rules of data/name_variants.tsv."""

    titles: frozenset[str]
    tokens: dict[str, str]
    chars: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def name_rules() -> NameRules:
    """Load data/name_variants.tsv once."""
    titles, tokens, chars = set(), {}, []
    for n, line in enumerate(data_lines("name_variants.tsv"), 1):
        parts = [p.strip() for p in line.split("\t")]
        kind = parts[0]
        if kind == "title" and len(parts) >= 2:
            titles.add(parts[1])
        elif kind == "token" and len(parts) >= 3:
            tokens[parts[1]] = parts[2]
        elif kind == "chars" and len(parts) >= 3:
            chars.append((parts[1], parts[2]))
        else:
            raise DataFileError("name_variants.tsv", reason=f"row {n} is not title/token/chars")
    return NameRules(frozenset(titles), tokens, tuple(chars))


@lru_cache(maxsize=1)
def linking_config() -> dict:
    """data/linking.toml: type families, distances and person statuses."""
    return toml("linking.toml")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters of ``text`` ("Ḥāmid" → "hamid")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_tokens(name: str) -> list[str]:
    """The words of a name after folding, title removal and transliteration rules."""
    rules = name_rules()
    words = [w for w in _NON_LETTER.split(ascii_fold(name)) if w and w not in rules.titles]
    out: list[str] = []
    for word in words:
        out.extend(rules.tokens.get(word, word).split())
    result = []
    for word in out:
        for old, new in rules.chars:
            word = word.replace(old, new)
        result.append(_DOUBLE.sub(r"\1", word))
    return [w for w in result if w]


def name_key(name: str) -> str:
    """The spelling-independent key of a personal name ("hamidulhasan")."""
    return "".join(name_tokens(name))


def name_similarity(a: str, b: str) -> float:
    """How alike two spellings of a name are, 0..100 (rapidfuzz ratios after normalising).

    With as many words on both sides, the least alike pair of words counts, so "Imran Qureshi"
    and "Kamran Qureshi" stay apart however alike their surnames are.
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return 0.0
    whole = fuzz.ratio("".join(ta), "".join(tb))
    if len(ta) == len(tb):
        return min([whole] + [fuzz.ratio(x, y) for x, y in zip(ta, tb)])
    return whole


def is_full_name(name: str) -> bool:
    """A name of at least two words (a lone surname is too ambiguous to link across articles)."""
    return len(name_tokens(name)) >= 2
