"""Event-type classifier: a learned complement to the trigger lexicon of the events stage.

A linear support-vector model over TF-IDF word and character n-grams of the whole text and word
n-grams of its first sentence (news tells the main event first; later sentences add background
whose words would otherwise weigh as much), trained on the project's own hand-written examples
(``data/training/event_types.jsonl``, described in ``DATA_CARD.md``), types a sentence or a
short snippet over the whole taxonomy (``data/taxonomy.csv``). Its probabilities are calibrated
by temperature scaling of the model's scores (a softmax), fitted on out-of-fold predictions, so
that a probability of 0.8 means the type is right about eight times in ten on text like the
training data.

The model is trained on first use (about six seconds on one CPU core), kept in memory, and stored in
the user cache directory under a key made from the training data, this module's model settings
and the library versions; a changed key means a new model. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable

import numpy as np
import platformdirs
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from ..errors import DataFileError
from ..knowledge import data_lines, jsonl, taxonomy

log = logging.getLogger(__name__)

TRAINING_FILE = "training/event_types.jsonl"
# the rule name events typed by this model carry (``Event.rule``)
MODEL_RULE = "model:event_types"
# model settings: part of the cache key, so a change here retrains
SETTINGS = {"word_ngrams": (1, 2), "char_ngrams": (2, 5), "lead_ngrams": (1, 2), "C": 0.5,
            "folds": 5, "seed": 13, "format": 1}
LIBRARIES = ("scikit-learn", "numpy", "scipy")
NUMBER = re.compile(r"\d+")
# a sentence ends at . ! or ? after a lower-case letter, a digit or a closing mark, before a capital
# or an opening quote: "U.S. forces" and "Dec. 18" stay whole
SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"'”’][.!?])\s+(?=[A-Z\"'“‘])")
LEAD_MIN_WORDS = 5  # a shorter first "sentence" is a dateline or a title ("Dec. 18.", "Mr.")


def normalise(text: str) -> str:
    """Lower-case text with every number written as 0: counts and dates say nothing of the type."""
    return NUMBER.sub("0", text.lower())


def lead_sentence(text: str) -> str:
    """The first sentence of ``text``, normalised, joined by the next while it is too short."""
    lead = ""
    for part in SENTENCE_END.split(text.strip(), maxsplit=3):
        lead = f"{lead} {part}" if lead else part
        if len(lead.split()) >= LEAD_MIN_WORDS:
            break
    return normalise(lead)


def _pipeline() -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=SETTINGS["word_ngrams"], sublinear_tf=True,
                                  min_df=1, preprocessor=normalise)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=SETTINGS["char_ngrams"],
                                  sublinear_tf=True, min_df=2, preprocessor=normalise)),
        ("lead", TfidfVectorizer(ngram_range=SETTINGS["lead_ngrams"], sublinear_tf=True,
                                 min_df=1, preprocessor=lead_sentence)),
    ])
    model = LinearSVC(C=SETTINGS["C"], random_state=SETTINGS["seed"])
    return Pipeline([("features", features), ("model", model)])


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature that minimises the log loss of held-out predictions (``gold``: class rows)."""
    rows = np.arange(len(gold))

    def loss(t: float) -> float:
        p = _softmax(logits / t)
        return float(-np.log(np.clip(p[rows, gold], 1e-12, None)).mean())

    return float(minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded").x)


def out_of_fold_logits(texts: list[str], labels: list[str], classes: list[str],
                       folds: int, seed: int) -> np.ndarray:
    """Each example's logits from a model trained without it (``classes`` order)."""
    y = np.array(labels)
    out = np.zeros((len(texts), len(classes)))
    col = {c: i for i, c in enumerate(classes)}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, held in splitter.split(texts, y):
        pipe = _pipeline().fit([texts[i] for i in train], y[train])
        logits = pipe.decision_function([texts[i] for i in held])
        out[np.ix_(held, [col[c] for c in pipe.classes_])] = logits
        missing = [col[c] for c in classes if c not in set(pipe.classes_)]
        out[np.ix_(held, missing)] = -1e3
    return out


class EventTypeClassifier:
    """Calibrated probabilities of each taxonomy type for a text."""

    def __init__(self, pipeline: Pipeline, temperature: float, codes: list[str]) -> None:
        self.pipeline = pipeline
        self.temperature = temperature
        self.codes = codes  # the full taxonomy, in its file order

    @classmethod
    def train(cls, texts: list[str], labels: list[str], codes: list[str]) -> "EventTypeClassifier":
        """Fit on the examples; calibrate the temperature on out-of-fold predictions."""
        classes = sorted(set(labels))
        folds = min(SETTINGS["folds"], min(labels.count(c) for c in classes))
        temperature = 1.0
        if folds >= 2:
            logits = out_of_fold_logits(texts, labels, classes, folds, SETTINGS["seed"])
            gold = np.array([classes.index(lab) for lab in labels])
            temperature = fit_temperature(logits, gold)
        pipeline = _pipeline().fit(texts, np.array(labels))
        return cls(pipeline, temperature, codes)

    def probabilities(self, texts: Iterable[str]) -> np.ndarray:
        """Rows of probabilities over ``self.codes`` (types without examples get 0)."""
        texts = list(texts)
        out = np.zeros((len(texts), len(self.codes)))
        if not texts:
            return out
        p = _softmax(self.pipeline.decision_function(texts) / self.temperature)
        col = {c: i for i, c in enumerate(self.codes)}
        out[:, [col[c] for c in self.pipeline.classes_]] = p
        return out

    def rank(self, texts: Iterable[str]) -> list[list[tuple[str, float]]]:
        """Per text, (type code, probability) for every taxonomy type, most probable first."""
        ranked = []
        for row in self.probabilities(texts):
            order = np.argsort(-row, kind="stable")
            ranked.append([(self.codes[i], float(row[i])) for i in order])
        return ranked


# Whether the classifier also learns from the event corpus (data/training/events): "main" adds
# each record with its main event's type, "none" leaves it out (part of the cache key). Measured
# with the whole corpus: "main" lowered CASE 2021 blind-half weighted F1 from 0.861 to 0.840 and
# macro F1 from 0.801 to 0.752, ACLED notes type macro F1 unchanged (0.813 / 0.815), so the
# classifier keeps to event_types.jsonl; the corpus trains the role model (``roles``).
CORPUS_USE = "none"


def corpus_examples() -> tuple[list[str], list[str]]:
    """The event corpus's records with events, each with its main event's type."""
    from .. import corpus

    if CORPUS_USE == "none":
        return [], []
    texts, labels = [], []
    for rec in corpus.load():
        main = next((e for e in rec.events if e.main), None)
        if main is not None:
            texts.append(rec.text)
            labels.append(main.type)
    return texts, labels


def training_examples() -> tuple[list[str], list[str]]:
    """The hand-written examples (event_types.jsonl and the event corpus): texts and their type
    codes, checked against the taxonomy."""
    codes = set(taxonomy())
    texts, labels = corpus_examples()
    for n, rec in enumerate(jsonl(TRAINING_FILE), 1):
        text, code = rec.get("text"), rec.get("type")
        if not isinstance(text, str) or not text.strip() or code not in codes:
            raise DataFileError(TRAINING_FILE,
                                reason=f"record {n} needs a text and a taxonomy type, got {code!r}")
        texts.append(text)
        labels.append(code)
    return texts, labels


def cache_key() -> str:
    """A hash of the training data, the model settings and the library versions."""
    h = hashlib.sha256()
    h.update("\n".join(data_lines(TRAINING_FILE)).encode("utf-8"))
    h.update("\n".join(data_lines("taxonomy.csv")).encode("utf-8"))
    if CORPUS_USE != "none":
        from .. import corpus
        for name in corpus.corpus_files():
            h.update("\n".join(data_lines(f"{corpus.CORPUS_DIR}/{name}")).encode("utf-8"))
    h.update(CORPUS_USE.encode("utf-8"))
    h.update(repr(sorted(SETTINGS.items())).encode("utf-8"))
    for lib in LIBRARIES:
        h.update(f"{lib}={metadata.version(lib)}".encode("utf-8"))
    return h.hexdigest()[:20]


def cache_path(key: str) -> Path:
    return Path(platformdirs.user_cache_dir("newsevents")) / f"event_types-{key}.pickle"


def _load(path: Path) -> EventTypeClassifier | None:
    """A model stored by this module under this key, or None when absent or unreadable."""
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ImportError) as exc:
        log.warning("ignoring unreadable event-type model %s: %s", path, exc)
        return None
    return model if isinstance(model, EventTypeClassifier) else None


def _store(path: Path, model: EventTypeClassifier) -> None:
    """Write the model atomically; a read-only cache only costs retraining next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot store event-type model in %s: %s", path.parent, exc)


@lru_cache(maxsize=1)
def get_classifier() -> EventTypeClassifier:
    """The event-type classifier: from the disk cache when its key matches, else trained now."""
    path = cache_path(cache_key())
    model = _load(path)
    if model is None:
        texts, labels = training_examples()
        log.info("training the event-type classifier on %d examples", len(texts))
        model = EventTypeClassifier.train(texts, labels, list(taxonomy()))
        _store(path, model)
    return model


#: texts classified lately and what the classifier said: an article's lead is read by the type
#: model and again when its events' confidence is set (``confidence.calibrate``)
_RECENT: "OrderedDict[str, list[tuple[str, float]]]" = OrderedDict()
RECENT_SIZE = 64
_RECENT_LOCK = threading.Lock()


def classify(texts: list[str]) -> list[list[tuple[str, float]]]:
    """Per text, every taxonomy type with its calibrated probability, most probable first."""
    with _RECENT_LOCK:
        known = {t: _RECENT[t] for t in texts if t in _RECENT}
    todo = [t for t in dict.fromkeys(texts) if t not in known]
    known.update(zip(todo, get_classifier().rank(todo) if todo else []))
    with _RECENT_LOCK:
        for text in dict.fromkeys(texts):
            _RECENT[text] = known[text]
            _RECENT.move_to_end(text)
        while len(_RECENT) > RECENT_SIZE:
            _RECENT.popitem(last=False)
    return [known[t] for t in texts]
