"""Argument roles, learned: which noun phrases around an event's trigger are its agents and targets,
and what kind of actor each phrase names.

Hand-written dependency rules found the agent of a plain sentence such as "Ukrainian forces fired
mortars at DPR positions" only when both phrases were already known actor nouns, and each new
construction ("exchanged fire with", "an IED by Al Shabaab", "were attacked by five armed men")
needed a rule of its own. This module learns the same decision from the team-written event corpus
(``data/training/events``, see ``corpus.py``):

- **roles**: for every noun phrase of the trigger's sentence, a multinomial logistic regression
  over features of the dependency path from the trigger to the phrase (labels with prepositions
  lexicalised: ``pobj(by)``, ``pobj(at)``), the trigger's voice and lemma, the phrase's grammatical
  function, position, entity label and head word says *agent*, *target* or *neither*;
- **kinds**: a linear model over the phrase's words and character n-grams (trained on the corpus's
  annotated arguments and the actor lexicons) gives its actor kind ("armed individuals" →
  unidentified_armed_group, "Karamajong militants" → identity_militia).

Both are scikit-learn models (the library the event-type classifier uses). Training parses the
corpus once with the pipeline's own spaCy model (about a minute on one core); the models are
stored in the user cache directory under a key of the corpus, the lexicons, these settings and
the library versions, and ``python -m newsevents.extract.roles build`` (run by ``make``) builds
them ahead of first use. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np
import platformdirs
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from spacy.tokens import Doc, Span, Token

from .. import corpus
from ..knowledge import actor_terms, data_lines, organizations

log = logging.getLogger(__name__)

ROLES = ("none", "agent", "target")
# settings: part of the cache key, so a change retrains
SETTINGS = {"C_roles": 1.0, "C_kinds": 4.0, "max_path": 5, "seed": 13, "format": 1}
LIBRARIES = ("scikit-learn", "numpy", "scipy", "spacy")
# group and quantity nouns whose "of" phrase names who they are ("members of a gang", "hundreds of
# protesters"): the phrase reaches to the end of the "of" phrase
PARTITIVE = {"member", "members", "hundred", "hundreds", "thousand", "thousands", "dozen", "dozens",
             "group", "number", "lot", "scores", "score", "crowd", "band", "unit", "team", "cadre",
             "cadres", "fighter", "fighters", "leader", "leaders", "supporter", "supporters",
             "activist", "activists", "worker", "workers", "soldier", "soldiers", "officer", "officers",
             "some", "many", "several", "one", "two", "three", "four", "five", "all", "most", "total",
             "batch", "convoy", "column", "contingent", "squad", "faction", "wing", "delegation",
             "body", "bodies", "family", "families", "relative", "relatives", "resident", "residents"}
PASSIVE_DEPS = {"nsubjpass", "auxpass"}


@dataclass(frozen=True)
class Phrase:
    """A noun phrase of the doc: token ``start``/``end`` (exclusive) and its ``root`` index."""

    start: int
    end: int
    root: int


def phrases(sent: Span, chunks: Optional[Iterable[Span]] = None) -> list[Phrase]:
    """The candidate argument phrases of a sentence: its noun chunks (pronouns included), each
    run on through an "of" phrase after a group or quantity noun, and named entities the
    chunker missed. ``chunks``: the doc's noun chunks, when known (``Span.noun_chunks`` walks
    the whole doc's each time)."""
    out: list[Phrase] = []
    covered: set[int] = set()
    if chunks is None:
        chunks = sent.noun_chunks
    for chunk in chunks:
        if chunk.start < sent.start or chunk.end > sent.end:
            continue
        end = chunk.end
        root = chunk.root
        if root.lower_ in PARTITIVE or root.like_num:
            of = [c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"]
            if of:
                end = max(end, max(t.i for t in of[0].subtree) + 1)
        out.append(Phrase(chunk.start, end, root.i))
        covered.update(range(chunk.start, chunk.end))
    for ent in sent.doc.ents:
        if ent.start < sent.start or ent.end > sent.end:
            continue
        if ent.label_ in ("PERSON", "ORG", "NORP", "GPE") and not covered & set(range(ent.start, ent.end)):
            out.append(Phrase(ent.start, ent.end, ent.root.i))
    out.sort(key=lambda p: p.start)
    return out


def _ancestors(tok: Token) -> list[Token]:
    chain = [tok]
    while chain[-1].head.i != chain[-1].i and len(chain) < 40:
        chain.append(chain[-1].head)
    return chain


def _label(tok: Token) -> str:
    if tok.dep_ == "pobj" and tok.head.pos_ == "ADP":
        return f"pobj({tok.head.lower_})"
    if tok.dep_ == "agent":
        return "agent(by)"
    return tok.dep_


def dependency_path(trigger: Token, root: Token, max_len: int) -> str:
    """Labels from the phrase's root up to the common ancestor, then down to the trigger."""
    up, down = _ancestors(root), _ancestors(trigger)
    down_ids = {t.i: k for k, t in enumerate(down)}
    for k, t in enumerate(up):
        if t.i in down_ids:
            ups = [_label(x) for x in up[:k] if x.dep_ != "prep"]
            downs = [_label(x) for x in reversed(down[:down_ids[t.i]]) if x.dep_ != "prep"]
            if len(ups) + len(downs) > max_len:
                return "long"
            return "^".join(ups) + "|" + "v".join(downs)
    return "none"


def _passive(tok: Token) -> bool:
    return any(c.dep_ in PASSIVE_DEPS for c in tok.children) or (tok.tag_ == "VBN" and tok.dep_ in ("acl", "relcl"))


def pair_features(trigger: Token, p: Phrase, kind: Optional[str] = None) -> dict[str, float]:
    """The features of one (trigger, phrase) pair."""
    doc = trigger.doc
    root = doc[p.root]
    path = dependency_path(trigger, root, SETTINGS["max_path"])
    passive = _passive(trigger)
    side = "before" if p.end <= trigger.i else ("after" if p.start > trigger.i else "over")
    gap = abs(p.root - trigger.i)
    dist = "1" if gap <= 1 else "2-3" if gap <= 3 else "4-7" if gap <= 7 else "8+"
    lemma = trigger.lemma_.lower()
    rdep = _label(root)
    f = {
        f"path={path}": 1.0, f"path+voice={path}/{passive}": 1.0,
        f"rdep={rdep}": 1.0, f"rdep+voice={rdep}/{passive}": 1.0,
        f"rdep+lemma={rdep}/{lemma}": 1.0, f"path+lemma={path}/{lemma}": 1.0,
        f"side={side}": 1.0, f"side+voice={side}/{passive}": 1.0, f"dist={dist}": 1.0,
        f"tpos={trigger.pos_}": 1.0, f"tpos+path={trigger.pos_}/{path}": 1.0,
        f"tlemma={lemma}": 1.0, f"head={root.lemma_.lower()}": 1.0,
        f"head+rdep={root.lemma_.lower()}/{rdep}": 1.0,
        f"ent={root.ent_type_ or '-'}": 1.0, f"rpos={root.pos_}": 1.0,
        f"pron={root.pos_ == 'PRON'}/{rdep}": 1.0,
        f"inside={p.start <= trigger.i < p.end}": 1.0,
    }
    if kind:
        f[f"kind={kind}"] = 1.0
        f[f"kind+rdep={kind}/{rdep}"] = 1.0
        f[f"kind+side={kind}/{side}/{passive}"] = 1.0
    return f


def phrase_text(doc: Doc, p: Phrase) -> str:
    return doc[p.start:p.end].text


# -- training --------------------------------------------------------------------------------------

def _root_of(doc: Doc, start: int, end: int) -> Optional[int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root.i if span is not None and len(span) else None


def _annotated(doc: Doc, rec: corpus.CorpusRecord):
    """(trigger token, {phrase root: role}) for each locatable event of a parsed record."""
    for ev in rec.events:
        t_root = _root_of(doc, ev.trigger.start, ev.trigger.end)
        if t_root is None:
            continue
        roles: dict[int, str] = {}
        for role, args in (("agent", ev.agents), ("target", ev.targets)):
            for a in args:
                r = _root_of(doc, a.start, a.end)
                if r is not None:
                    roles.setdefault(r, role)
        yield doc[t_root], roles


def kind_examples(docs: Sequence[Doc], records: Sequence[corpus.CorpusRecord]) -> tuple[list[str], list[str]]:
    """The annotated arguments' texts (pronouns left out) and kinds."""
    texts, kinds = [], []
    for rec, doc in zip(records, docs):
        for ev in rec.events:
            for a in (*ev.agents, *ev.targets):
                r = _root_of(doc, a.start, a.end)
                if r is not None and doc[r].pos_ != "PRON":
                    texts.append(a.text)
                    kinds.append(a.kind)
    return texts, kinds


def training_pairs(docs: Sequence[Doc], records: Sequence[corpus.CorpusRecord],
                   kind_of) -> tuple[list[dict], list[str]]:
    """(pair features, role labels) of every (trigger, phrase) pair of the records' sentences;
    ``kind_of`` gives phrases their kinds as they will be given at run time."""
    feats, labels = [], []
    for rec, doc in zip(records, docs):
        for trigger, roles in _annotated(doc, rec):
            cands = [p for p in phrases(trigger.sent) if p.root != trigger.i]
            kinds = kind_of([phrase_text(doc, p) for p in cands])
            for p, (kind, _) in zip(cands, kinds):
                feats.append(pair_features(trigger, p, kind))
                labels.append(roles.get(p.root, "none"))
    return feats, labels


def _kind_pipeline() -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
    ])
    return Pipeline([("features", features),
                     ("model", LogisticRegression(C=SETTINGS["C_kinds"], max_iter=2000))])


def lexicon_kinds() -> tuple[list[str], list[str]]:
    """Actor nouns and organisation names of the lexicons with their kinds (more kind examples)."""
    texts, kinds = [], []
    for phrase, kind in actor_terms().items():
        texts.append(phrase)
        kinds.append(kind)
    for org in organizations():
        for name in [org["name"], *org.get("aliases", [])]:
            texts.append(name)
            kinds.append(org.get("kind", "unknown"))
    return texts, kinds


KIND_MEMORY = 20_000
_memory_lock = threading.Lock()
_memories: "weakref.WeakKeyDictionary[RoleModel, OrderedDict[str, tuple[str, float]]]" = \
    weakref.WeakKeyDictionary()


def _kind_memory(model: "RoleModel") -> "OrderedDict[str, tuple[str, float]]":
    """Per model, the kinds it told lately (gone with the model)."""
    with _memory_lock:
        if model not in _memories:
            _memories[model] = OrderedDict()
        return _memories[model]


class RoleModel:
    """The trained role and kind models."""

    def __init__(self, roles: Optional[Pipeline], kinds: Pipeline) -> None:
        self.roles = roles
        self.kinds = kinds

    @classmethod
    def train(cls, nlp, records: Sequence[corpus.CorpusRecord]) -> "RoleModel":
        docs = list(nlp.pipe([r.text for r in records], batch_size=64))
        ktexts, klabels = kind_examples(docs, records)
        lt, lk = lexicon_kinds()
        model = cls(None, _kind_pipeline().fit(ktexts + lt, klabels + lk))
        feats, labels = training_pairs(docs, records, model.kind_of)
        model.roles = Pipeline([("features", DictVectorizer()),
                                ("model", LogisticRegression(C=SETTINGS["C_roles"], max_iter=3000))])
        model.roles.fit(feats, labels)
        return model

    def kind_of(self, texts: list[str]) -> list[tuple[str, float]]:
        """The most probable kind of each phrase text, with its probability. Phrases recur
        across articles ("police", "the army"), so recent answers are kept (``KIND_MEMORY``)."""
        memory = _kind_memory(self)
        todo = [t for t in dict.fromkeys(texts) if t not in memory]
        if todo:
            probs = self.kinds.predict_proba(todo)
            classes = self.kinds.classes_
            with _memory_lock:
                for t, row, i in zip(todo, probs, probs.argmax(axis=1)):
                    memory[t] = (str(classes[i]), float(row[i]))
                while len(memory) > KIND_MEMORY:
                    memory.popitem(last=False)
        with _memory_lock:
            return [memory.get(t) or self._one(t) for t in texts]

    def _one(self, text: str) -> tuple[str, float]:
        row = self.kinds.predict_proba([text])[0]
        i = int(row.argmax())
        return str(self.kinds.classes_[i]), float(row[i])

    def score_features(self, feats: list[dict]) -> np.ndarray:
        """Rows of (none, agent, target) probabilities for pairs' features."""
        if not feats:
            return np.zeros((0, 3))
        p = self.roles.predict_proba(feats)
        col = {c: i for i, c in enumerate(self.roles.classes_)}
        return np.stack([p[:, col[r]] if r in col else np.zeros(len(feats)) for r in ROLES], axis=1)


def reporters(trigger: Token) -> set[int]:
    """The subjects of reporting verbs above the trigger's clause ("the party said police had
    arrested ..."): who tells of the event (its claim's source), never one of its arguments."""
    from .claims import cues

    reporting = cues()["reporting"]
    out, t = set(), trigger
    for _ in range(6):
        if t.head.i == t.i:
            break
        if t.dep_ in ("ccomp", "parataxis") and t.head.lemma_.lower() in reporting:
            out.update(c.i for c in t.head.children if c.dep_ in ("nsubj", "nsubjpass"))
        t = t.head
    return out


def doc_arguments(model: "RoleModel", doc: Doc, heads: Sequence[int], threshold: float = 0.5
                  ) -> tuple[dict[int, tuple[list[Phrase], list[Phrase]]], dict[int, str]]:
    """``arguments`` for several triggers of a doc at once (one call of each model: scikit-learn's
    cost is mostly per call): trigger index → (agent phrases, target phrases), and phrase root
    → kind."""
    by_sent: dict[int, list[Phrase]] = {}
    chunks: Optional[list[Span]] = None
    for h in heads:
        sent = doc[h].sent
        if sent.start not in by_sent:
            if chunks is None:
                chunks = list(doc.noun_chunks)
            by_sent[sent.start] = phrases(sent, [c for c in chunks if sent.start <= c.start < sent.end])
    texts = list(dict.fromkeys(phrase_text(doc, p) for ps in by_sent.values() for p in ps))
    kind_of_text = dict(zip(texts, (k for k, _ in model.kind_of(texts))))
    kinds = {p.root: kind_of_text[phrase_text(doc, p)] for ps in by_sent.values() for p in ps}
    feats, pairs = [], []
    for h in dict.fromkeys(heads):
        trigger = doc[h]
        speakers = reporters(trigger)
        for p in by_sent[trigger.sent.start]:
            if p.root != h and p.root not in speakers:
                feats.append(pair_features(trigger, p, kinds[p.root]))
                pairs.append((h, p))
    out: dict[int, tuple[list[Phrase], list[Phrase]]] = {h: ([], []) for h in heads}
    if feats:
        rows = model.score_features(feats)
        for (h, p), row in zip(pairs, rows):
            role = int(row.argmax())
            if role and row[role] >= threshold:
                out[h][role - 1].append(p)
    return out, kinds


# -- the stored model ------------------------------------------------------------------------------

def cache_key(model_name: str) -> str:
    h = hashlib.sha256()
    for name in corpus.corpus_files():
        h.update("\n".join(data_lines(f"{corpus.CORPUS_DIR}/{name}")).encode("utf-8"))
    for name in ("actor_terms.tsv", "organizations.jsonl", "taxonomy.csv"):
        h.update("\n".join(data_lines(name)).encode("utf-8"))
    h.update(repr(sorted(SETTINGS.items())).encode("utf-8"))
    h.update(Path(__file__).read_bytes())
    h.update(model_name.encode("utf-8"))
    for lib in LIBRARIES:
        h.update(f"{lib}={metadata.version(lib)}".encode("utf-8"))
    return h.hexdigest()[:20]


def cache_path(key: str) -> Path:
    return Path(platformdirs.user_cache_dir("newsevents")) / f"roles-{key}.pickle"


_lock = threading.Lock()


def load_file(path: str | Path) -> RoleModel:
    """A role model stored with ``build --output``; anything else is a DataFileError."""
    from ..errors import DataFileError

    try:
        with Path(path).expanduser().open("rb") as fh:
            model = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ImportError) as exc:
        raise DataFileError(str(path), reason=f"not a readable role model: {exc}") from exc
    if not isinstance(model, RoleModel):
        raise DataFileError(str(path), reason="not a role model")
    return model


def _store(model: RoleModel, path: Path, prune: bool = False) -> None:
    """Write atomically; ``prune``: remove the cache's models of other keys (a corpus edit makes a
    new key, and the old models are never read again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if prune:
        for old in path.parent.glob("roles-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only cache only costs a retraining next time
        log.warning("could not store the role model in %s: %s", path, exc)
        Path(tmp).unlink(missing_ok=True)


@lru_cache(maxsize=2)
def role_model(model_name: str) -> RoleModel:
    """The role model for the pipeline's spaCy model, from the cache or trained now."""
    import spacy

    with _lock:
        path = cache_path(cache_key(model_name))
        try:
            with path.open("rb") as fh:
                model = pickle.load(fh)
            if isinstance(model, RoleModel):
                return model
        except FileNotFoundError:
            pass
        except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ImportError) as exc:
            log.warning("ignoring unreadable role model %s: %s", path, exc)
        log.info("training the argument-role model on the event corpus")
        nlp = spacy.load(model_name)
        model = RoleModel.train(nlp, corpus.load())
        _store(model, path, prune=True)
        return model


def subset(records: Sequence[corpus.CorpusRecord], share: float) -> list[corpus.CorpusRecord]:
    """A fixed share of the records, chosen by the sha1 of their ids (for learning curves)."""
    cut = int(share * 0x10000)
    return [r for r in records if int(hashlib.sha1(r.id.encode("utf-8")).hexdigest()[:4], 16) < cut]


def main(argv: list[str]) -> int:
    """``build [--share S] [--output FILE]``: train the role model (on a share of the corpus) and
    store it in the cache, or in FILE."""
    import argparse
    import spacy
    from ..settings import default_settings

    parser = argparse.ArgumentParser(prog="python -m newsevents.extract.roles")
    parser.add_argument("command", choices=["build"])
    parser.add_argument("--share", type=float, default=1.0, help="train on this share of the corpus")
    parser.add_argument("--output", type=Path, help="write the model here instead of the cache")
    args = parser.parse_args(argv)
    name = default_settings().model
    if args.output is None and args.share >= 1.0:
        role_model(name)
        print(cache_path(cache_key(name)))
        return 0
    model = RoleModel.train(spacy.load(name), subset(corpus.load(), args.share))
    out = args.output or cache_path(f"share-{args.share}")
    _store(model, out)
    print(out)
    return 0


if __name__ == "__main__":
    # run through the package's module, so that stored models refer to its classes, not __main__'s
    from newsevents.extract import roles as _package_module
    sys.exit(_package_module.main(sys.argv[1:]))
