"""Gender agreement for pronoun resolution within an article ("him" cannot be the woman named
before): a person's gender from the words that describe them, or from the pronoun that follows
them as the subject of their own sentence.

Evidence, most certain first:
- a kinship or person noun at the mention's head ("her brother", "the woman", "his son");
- a title before the name ("Mr", "Mrs", "Ms", "Begum");
- a spouse named as theirs ("Karim's wife": Karim is a man);
- agreement: a pronoun later in the sentence whose only earlier person is the subject
  ("Nadia Baloch said her brother ...": "her" is Nadia's), or the subject pronoun of the next
  sentence when that sentence names nobody first.
A mention with no evidence agrees with either pronoun.

spaCy's English models carry no coreference component, and the maintained coreference packages
need a transformer and GPU-sized models; this is the agreement test pronoun resolution needs,
kept small and over the parse it already has.
"""

from __future__ import annotations

from typing import Iterable, Optional

from spacy.tokens import Doc

from ..extensions import per_doc, sent_of

MALE_WORDS = {"man", "men", "boy", "brother", "son", "father", "husband", "uncle", "nephew",
              "grandfather", "grandson", "cousin-brother", "mr", "mr.", "sir", "king", "prince"}
FEMALE_WORDS = {"woman", "women", "girl", "sister", "daughter", "mother", "wife", "aunt", "niece",
                "grandmother", "granddaughter", "mrs", "mrs.", "ms", "ms.", "miss", "begum", "bibi",
                "madam", "queen", "princess", "widow"}
#: the partner's gender a spouse noun implies for its possessor
SPOUSE = {"wife": "m", "widow": "m", "husband": "f", "widower": "f"}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                  "she": "f", "her": "f", "hers": "f", "herself": "f"}
#: person nouns a singular pronoun can refer to (with the kinship words above)
PERSON_NOUNS = MALE_WORDS | FEMALE_WORDS | {"activist", "journalist", "student", "lawyer", "leader",
                                            "worker", "farmer", "trader", "teacher", "doctor", "victim",
                                            "resident", "relative", "official", "youth", "child"}


def word_gender(words: Iterable[str]) -> Optional[str]:
    for w in words:
        w = w.lower()
        if w in MALE_WORDS:
            return "m"
        if w in FEMALE_WORDS:
            return "f"
    return None


def mention_gender(doc: Doc, m) -> Optional[str]:
    """The gender of an actor mention (``actors.ActorMention``), or None when nothing says."""
    head = doc[m.head]
    found = word_gender([head.lower_, head.lemma_])
    if found:
        return found
    if m.start > 0:  # a title: "Mrs Akter", "Mr. Karim"
        found = word_gender([doc[m.start - 1].lower_])
        if found:
            return found
    if m.label == "PERSON":
        known = _agreement(doc)
        last = (m.text or "").split()[-1:] or [""]
        return known.get(m.start) or known.get(last[0].lower())
    return None


def _agreement(doc: Doc) -> dict:
    """Gender of PERSON entities, by their start token and by their last word (a surname said
    alone later), from the pronouns that refer to them and the spouses they are named with."""
    def compute() -> dict[int, str]:
        out: dict = {}
        persons = [e for e in doc.ents if e.label_ == "PERSON"]
        for tok in doc[1:-1]:  # "Karim's wife": Karim is a man (whatever the tagger took him for)
            if tok.tag_ == "POS" and doc[tok.i + 1].lower_ in SPOUSE and doc[tok.i - 1].pos_ == "PROPN":
                out.setdefault(doc[tok.i - 1].lower_, SPOUSE[doc[tok.i + 1].lower_])
        for e in persons:
            sent = sent_of(doc[e.start])
            if e.root.dep_ not in ("nsubj", "nsubjpass"):
                continue
            others = [p for p in persons if p is not e and sent.start <= p.start < sent.end]
            for tok in doc[e.end:sent.end]:
                if any(o.start < tok.i and o.start > e.start for o in others):
                    break
                g = PRONOUN_GENDER.get(tok.lower_)
                if g:
                    out.setdefault(e.start, g)
                    out.setdefault(e[-1].lower_, g)
                    break
            if e.start not in out and sent.end < len(doc):
                nxt = sent_of(doc[sent.end])
                for tok in nxt:
                    if tok.ent_type_ == "PERSON":
                        break
                    if tok.dep_ == "nsubj" and tok.lower_ in ("he", "she"):
                        out.setdefault(e.start, PRONOUN_GENDER[tok.lower_])
                        out.setdefault(e[-1].lower_, PRONOUN_GENDER[tok.lower_])
                        break
        return out
    return per_doc(doc, "newsevents_gender", len(doc), compute)
