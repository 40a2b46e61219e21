"""Stage 2 rules: organisations, aliases, datelines and names after people nouns."""

from newsevents.nlp import make_doc
from newsevents.read import article_from_text


def test_dateline_is_a_place_not_an_organisation(nlp):
    art = article_from_text("QUETTA - Security forces detained three students on Monday.", origin="t")
    doc = nlp(make_doc(nlp, art))
    first = [e for e in doc.ents if e.start_char == 0]
    assert first and first[0].label_ == "GPE" and first[0].text == "QUETTA"
    assert not any(e.label_ == "ORG" and e.start_char == 0 for e in doc.ents)


def test_hyphenated_party_variants_are_one_organisation(nlp):
    doc = nlp("Workers of MQM-London and MQM London joined the Muttahida Qaumi Movement-London rally.")
    orgs = {(e.text, e.ent_id_) for e in doc.ents if e.label_ == "ORG"}
    assert ("MQM-London", "Muttahida Qaumi Movement-London") in orgs
    assert ("MQM London", "Muttahida Qaumi Movement-London") in orgs
    assert not any(e.label_ == "GPE" and e.text == "London" for e in doc.ents)


def test_acronym_defined_in_text_becomes_alias(nlp):
    doc = nlp("The Kisumu Traders Union (KTU) marched on Friday. Police said KTU leaders were detained.")
    ktu = [e for e in doc.ents if e.text == "KTU"]
    assert len(ktu) == 2 and all(e.label_ == "ORG" for e in ktu)
    assert ktu[1].ent_id_ == "Kisumu Traders Union"


def test_names_after_people_nouns_are_people(nlp):
    doc = nlp("Rangers picked up three activists Bilal, Junaid and Fahad from the market.")
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert people == ["Bilal", "Junaid", "Fahad"]
