"""The event-type classifier: clear cases per family, calibration sanity, determinism, cache."""

import numpy as np
import pytest

from newsevents.extract import classify as clf
from newsevents.knowledge import taxonomy

# sentences written for these tests; none is in the training file (checked below)
CLEAR = [
    ("Riot police fired tear gas at a peaceful march of nurses and detained eight of them.", "PROTEST_WITH_INTER"),
    ("About three hundred dock workers marched to the harbour office to demand overtime pay.", "PEACE_PROTEST"),
    ("A suicide bomber detonated his vest at the gate of an army barracks, killing nine soldiers.", "SUIC_BOMB"),
    ("Fighter jets bombed the insurgents' training camp in the desert on Thursday.", "AIR_STRIKE"),
    ("A roadside bomb ripped through a police pickup, killing two constables.", "REM_EXPLOS"),
    ("Somebody hurled a hand grenade into a crowded beer hall, wounding six drinkers.", "GRENADE"),
    ("Gunmen kidnapped a district nurse and demanded a ransom from her family.", "ABDUCT_DISSAP"),
    ("Police arrested a former governor on charges of embezzling public funds.", "ARREST"),
    ("The rebels and the government signed a ceasefire deal in the presence of mediators.", "AGREEMENT"),
    ("The militant group claimed responsibility for the ambush in an online statement.", "ATTRIB"),
    ("A strong earthquake flattened houses in the mountain villages, killing dozens.", "NATURAL_DISASTER"),
    ("Police seized 300 kilograms of heroin hidden in a container at the port.", "ORG_CRIME"),
    ("Bomb disposal officers defused an explosive device found under a bridge.", "DISR_WEAP"),
]


# the main event first, background after: the first sentence's type must win
LEAD_FIRST = [
    ("Rebels and the army signed a truce in the capital on Sunday. Fighting in the hills had killed "
     "hundreds of soldiers and fighters since March.", "AGREEMENT"),
    ("Thousands of teachers marched peacefully to the education ministry on Monday. Last year police "
     "broke up a similar march with tear gas.", "PEACE_PROTEST"),
    ("Customs officers found 40 kilograms of cocaine in a lorry at the border crossing. The driver was "
     "detained and two accomplices were arrested later.", "ORG_CRIME"),
]


@pytest.fixture(scope="module")
def model() -> clf.EventTypeClassifier:
    return clf.get_classifier()


def test_test_sentences_are_not_training_data():
    texts, _ = clf.training_examples()
    known = {t.lower() for t in texts}
    assert not [s for s, _ in CLEAR + LEAD_FIRST if s.lower() in known]


@pytest.mark.parametrize("text,lead", [
    ("Troops shelled the town. Residents fled.", "troops shelled the town. residents fled."),
    ("Gunmen shot dead two men in the market on Monday. Police said.",
     "gunmen shot dead two men in the market on monday."),
    ("U.S. forces struck a depot near the border. Later more came.",
     "u.s. forces struck a depot near the border."),
    ("Dec. 18. Five planes entered the zone on Monday. Seoul protested.",
     "dec. 0. five planes entered the zone on monday."),
    ("one line without a full stop", "one line without a full stop"),
    ("", ""),
])
def test_lead_sentence(text, lead):
    assert clf.lead_sentence(text) == lead


@pytest.mark.parametrize("text,code", LEAD_FIRST)
def test_first_sentence_tells_the_type(model, text, code):
    assert clf.classify([text])[0][0][0] == code


def test_training_covers_the_whole_taxonomy():
    _, labels = clf.training_examples()
    assert set(labels) == set(taxonomy())


@pytest.mark.parametrize("text,code", CLEAR)
def test_clear_cases(model, text, code):
    best, p = clf.classify([text])[0][0]
    assert best == code
    assert p >= 0.5


def test_ranking_covers_taxonomy_and_sums_to_one(model):
    ranked = clf.classify([s for s, _ in CLEAR[:3]] + ["The weather was mild."])
    for row in ranked:
        assert [c for c, _ in row] and {c for c, _ in row} == set(taxonomy())
        probs = [p for _, p in row]
        assert probs == sorted(probs, reverse=True)
        assert sum(probs) == pytest.approx(1.0)
        assert all(0.0 <= p <= 1.0 for p in probs)


def test_unclear_text_is_not_confident(model):
    best, p = clf.classify(["Officials met on Tuesday."])[0][0]
    assert p < 0.8


def test_empty_batch():
    assert clf.classify([]) == []


def test_temperature_fit_recovers_overconfidence():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 400)
    logits = rng.normal(size=(400, 3))
    logits[np.arange(400), gold] += 1.0
    assert clf.fit_temperature(logits * 5, gold) > clf.fit_temperature(logits, gold)


def test_training_is_deterministic():
    texts, labels = clf.training_examples()
    codes = list(taxonomy())
    a = clf.EventTypeClassifier.train(texts, labels, codes)
    b = clf.EventTypeClassifier.train(texts, labels, codes)
    probe = [s for s, _ in CLEAR]
    assert a.temperature == b.temperature
    assert np.array_equal(a.probabilities(probe), b.probabilities(probe))


def test_model_is_cached_on_disk(monkeypatch, tmp_path):
    path = tmp_path / "model.pickle"
    monkeypatch.setattr(clf, "cache_path", lambda key: path)
    clf.get_classifier.cache_clear()
    try:
        first = clf.get_classifier()
        assert path.is_file()
        clf.get_classifier.cache_clear()
        again = clf.get_classifier()
        assert again is not first
        probe = [CLEAR[0][0]]
        assert np.array_equal(first.probabilities(probe), again.probabilities(probe))
    finally:
        clf.get_classifier.cache_clear()


def test_unreadable_cache_is_ignored(monkeypatch, tmp_path):
    path = tmp_path / "model.pickle"
    path.write_bytes(b"not a model")
    assert clf._load(path) is None


def test_a_text_read_again_is_not_classified_again(monkeypatch) -> None:
    from newsevents.extract import classify as module
    model = module.get_classifier()
    calls = []
    real = model.rank
    monkeypatch.setattr(model, "rank", lambda texts: calls.append(list(texts)) or real(texts))
    text = "Police detained four students outside the university gate on Tuesday."
    first = module.classify([text, "Rebels shelled the old grain market at dawn on Friday."])
    again = module.classify([text])
    assert again[0] == first[0] and calls == [[text, "Rebels shelled the old grain market at dawn on Friday."]]
