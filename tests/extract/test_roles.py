"""Argument-role features on hand-built Docs (no statistical model)."""

from spacy.tokens import Doc
from spacy.lang.en import English

from newsevents.extract import roles


def _doc(words, heads, deps, pos, tags=None):
    return Doc(English().vocab, words=words, heads=heads, deps=deps, pos=pos,
               tags=tags or ["NN"] * len(words), sent_starts=[True] + [False] * (len(words) - 1))


def _fired():
    # "Rebel fighters fired rockets at army positions ."
    words = ["Rebel", "fighters", "fired", "rockets", "at", "army", "positions", "."]
    heads = [1, 2, 2, 2, 2, 6, 4, 2]
    deps = ["compound", "nsubj", "ROOT", "dobj", "prep", "compound", "pobj", "punct"]
    pos = ["NOUN", "NOUN", "VERB", "NOUN", "ADP", "NOUN", "NOUN", "PUNCT"]
    tags = ["NN", "NNS", "VBD", "NNS", "IN", "NN", "NNS", "."]
    return _doc(words, heads, deps, pos, tags)


def test_paths_name_prepositions():
    doc = _fired()
    assert roles.dependency_path(doc[2], doc[1], 5) == "nsubj|"
    assert roles.dependency_path(doc[2], doc[6], 5) == "pobj(at)|"
    assert roles.dependency_path(doc[2], doc[2], 5) == "|"


def test_long_paths_are_one_feature():
    doc = _fired()
    assert roles.dependency_path(doc[2], doc[6], 0) == "long"


def test_phrases_are_noun_chunks():
    doc = _fired()
    texts = [doc[p.start:p.end].text for p in roles.phrases(doc[:])]
    assert texts == ["Rebel fighters", "rockets", "army positions"]


def test_a_group_noun_runs_on_through_its_of_phrase():
    # "Members of a gang attacked ."
    words = ["Members", "of", "a", "gang", "attacked", "."]
    doc = _doc(words, [4, 0, 3, 1, 4, 4], ["nsubj", "prep", "det", "pobj", "ROOT", "punct"],
               ["NOUN", "ADP", "DET", "NOUN", "VERB", "PUNCT"], ["NNS", "IN", "DT", "NN", "VBD", "."])
    first = roles.phrases(doc[:])[0]
    assert doc[first.start:first.end].text == "Members of a gang"


def test_pair_features_see_voice_and_side():
    doc = _fired()
    p = next(x for x in roles.phrases(doc[:]) if x.root == 1)
    f = roles.pair_features(doc[2], p, "rebels")
    assert f["side=before"] and f["path+voice=nsubj|/False"] and f["kind=rebels"]


def test_subset_is_stable_and_nested(monkeypatch):
    class R:
        def __init__(self, i):
            self.id = f"r-{i}"
    recs = [R(i) for i in range(400)]
    quarter, half = roles.subset(recs, 0.25), roles.subset(recs, 0.5)
    assert set(r.id for r in quarter) <= set(r.id for r in half)
    assert 60 < len(quarter) < 140 and 150 < len(half) < 250


def test_a_model_built_from_the_command_line_loads(tmp_path):
    """``python -m newsevents.extract.roles build`` stores a model other processes can read."""
    import subprocess
    import sys

    out = tmp_path / "roles.pickle"
    subprocess.run([sys.executable, "-m", "newsevents.extract.roles", "build", "--share", "0.03",
                    "--output", str(out)], check=True, capture_output=True)
    model = roles.load_file(out)
    assert isinstance(model, roles.RoleModel)


def test_an_unreadable_model_file_is_a_data_file_error(tmp_path):
    import pytest
    from newsevents.errors import DataFileError

    bad = tmp_path / "bad.pickle"
    bad.write_bytes(b"not a model")
    with pytest.raises(DataFileError):
        roles.load_file(bad)
