"""Stage 5: people, organisations, actor nouns, roles and affiliations."""

from newsevents.extract.actors import people_and_organizations


def _actors(nlp, text):
    doc = nlp(text)
    return doc, doc._.actors


def test_roles_before_and_after_names(nlp):
    doc, actors = _actors(nlp, "Awami National Party spokesman Zaheer Khan said that Tariq Mehmood, "
                               "unit in-charge for Orangi, was detained by police.")
    people, orgs = people_and_organizations(doc)
    by_name = {p.name: p for p in people}
    assert by_name["Zaheer Khan"].role == "spokesman"
    assert by_name["Zaheer Khan"].affiliation == "Awami National Party"
    assert by_name["Tariq Mehmood"].role == "unit in-charge"
    assert any(o.name == "Awami National Party" and o.kind == "political_party" for o in orgs)


def test_possessive_pronoun_affiliation(nlp):
    doc, _ = _actors(nlp, "The Pakistan Peoples Party said its chairman Naveed Ali was missing.")
    people, _ = people_and_organizations(doc)
    assert people[0].name == "Naveed Ali"
    assert people[0].role.lower() == "chairman"
    assert people[0].affiliation == "Pakistan Peoples Party"


def test_actor_nouns_and_kinds(nlp):
    doc, actors = _actors(nlp, "Security personnel in plainclothes and unidentified gunmen arrived, "
                               "while police watched the students.")
    kinds = {m.text: m.kind for m in actors}
    assert kinds["Security personnel in plainclothes"] == "state_forces"
    assert kinds["unidentified gunmen"] == "unidentified_armed_group"
    assert kinds["police"] == "police"
    assert kinds.get("the students", kinds.get("students")) == "students"


def test_organisation_aliases_merge(nlp):
    doc, _ = _actors(nlp, "The Muttahida Qaumi Movement-Pakistan (MQM-P) met. MQM-Pakistan leaders "
                          "later said MQM-P would join the talks.")
    _, orgs = people_and_organizations(doc)
    mqmp = [o for o in orgs if o.name == "MQM-Pakistan"]
    assert len(mqmp) == 1
    assert "MQM-P" in mqmp[0].aliases


def test_surname_mentions_merge_into_one_person(nlp):
    doc, _ = _actors(nlp, "Police arrested Saima Qureshi on Monday. Qureshi was freed a day later.")
    people, _ = people_and_organizations(doc)
    names = [p.name for p in people]
    assert names.count("Saima Qureshi") == 1 and "Qureshi" not in names
