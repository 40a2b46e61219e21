"""The event's place when the text names the larger place it lies in (``in_named_region``)."""

import spacy

from newsevents.extract.events import in_named_region
from newsevents.schema import PlaceMention

NLP = spacy.blank("en")


def _place(text: str, name: str, admin1: str, code: str, precision: str = "city", *,
           within: str) -> PlaceMention:
    start = within.index(text)
    return PlaceMention(text=text, start=start, end=start + len(text), name=name, admin1=admin1,
                        country_code=code, precision=precision, lat=0.0, lon=0.0)


def test_namesake_elsewhere_gives_way_to_the_region_named_after_it() -> None:
    text = "Shells fell on Greenfield, Northshire, on Monday."
    town = _place("Greenfield", "Greenfield", "Southshire", "XA", within=text)  # a namesake
    region = _place("Northshire", "Northshire", "Northshire", "XA", "admin1", within=text)
    assert in_named_region(NLP(text), [town, region], town) is region


def test_place_noun_and_of_may_stand_between() -> None:
    text = "They marched in Oldtown district of Bigcity on Friday."
    town = _place("Oldtown", "Oldtown", "Farprovince", "XA", within=text)
    city = _place("Bigcity", "Bigcity", "Capital Province", "XA", within=text)
    city = city.model_copy(update={"precision": "admin2"})
    assert in_named_region(NLP(text), [town, city], town) is city


def test_place_inside_the_named_regions_stays() -> None:
    text = "A mob attacked Hilltop (Riverside, Plateau State) at night."
    village = _place("Hilltop", "Hilltop", "Plateau State", "XA", within=text)
    district = _place("Riverside", "Riverside", "Plateau State", "XA", "admin2", within=text)
    state = _place("Plateau State", "Plateau State", "Plateau State", "XA", "admin1", within=text)
    places = [village, district, state]
    assert in_named_region(NLP(text), places, village) is village


def test_province_named_in_its_own_words_keeps_the_town() -> None:
    # the province's name is split into two other places ("Upper", "Valley"), neither of which
    # contains the town, but the words name the town's own province
    text = "Gunmen shot two men in Portville, Upper Valley, on Sunday."
    town = _place("Portville", "Portville", "Upper Valley", "XA", within=text)
    upper = _place("Upper", "Upper", "Somewhere", "XB", within=text)
    valley = _place("Valley", "Valley", "Valley", "XC", "admin1", within=text)
    assert in_named_region(NLP(text), [town, upper, valley], town) is town


def test_unrelated_places_are_no_chain() -> None:
    text = "Protesters in Eastport demanded the release of detainees held in Westmoor."
    port = _place("Eastport", "Eastport", "Coast", "XA", within=text)
    moor = _place("Westmoor", "Westmoor", "Moorland", "XB", "admin1", within=text)
    assert in_named_region(NLP(text), [port, moor], port) is port


def test_town_named_before_its_province_is_preferred() -> None:
    text = "People gathered in Lakeside (Northshire) on Saturday."
    town = _place("Lakeside", "Lakeside", "Northshire", "XA", within=text)
    region = _place("Northshire", "Northshire", "Northshire", "XA", "admin1", within=text)
    assert in_named_region(NLP(text), [town, region], region) is town


def test_street_namesake_gives_way_to_the_city_it_is_in() -> None:
    text = "They rallied on Mill Road in Bigcity (Northshire) to demand jobs."
    street = _place("Mill Road", "Mill Road", "Farshire", "XB", within=text)  # a namesake
    city = _place("Bigcity", "Bigcity", "Northshire", "XA", within=text)
    region = _place("Northshire", "Northshire", "Northshire", "XA", "admin1", within=text)
    assert in_named_region(NLP(text), [street, city, region], street) is city


def test_a_list_of_towns_is_no_chain() -> None:
    text = "Strikes hit Eastport, Westmoor, Northfield on Monday."
    towns = [_place(n, n, f"{n} Province", "XA", within=text)
             for n in ("Eastport", "Westmoor", "Northfield")]
    assert in_named_region(NLP(text), towns, towns[0]) is towns[0]


def test_town_named_like_its_province_after_a_comma_is_the_province() -> None:
    text = "Shells hit Millbrook, Eastshire overnight."
    namesake = _place("Millbrook", "Millbrook", "Westshire", "XA", within=text)
    town = _place("Eastshire", "Eastshire", "Eastshire", "XA", within=text)  # its province's town
    assert in_named_region(NLP(text), [namesake, town], namesake) is town


def test_namesake_abroad_gives_way_to_the_town_after_a_comma() -> None:
    text = "Farmers protested in Greenfield, Bigcity on Monday."
    town = _place("Greenfield", "Greenfield", "Farshire", "XB", within=text)  # abroad
    city = _place("Bigcity", "Bigcity", "Northshire", "XA", within=text)
    assert in_named_region(NLP(text), [town, city], town) is city


def test_a_list_of_towns_in_several_countries_stays() -> None:
    text = "Farmers protested in Greenfield, Bigcity and Smalltown on Monday."
    town = _place("Greenfield", "Greenfield", "Farshire", "XB", within=text)
    city = _place("Bigcity", "Bigcity", "Northshire", "XA", within=text)
    assert in_named_region(NLP(text), [town, city], town) is town


def test_a_place_noun_before_the_comma_says_the_region_follows() -> None:
    text = "Shots were fired in Greenfield town, Bigcity."
    town = _place("Greenfield", "Greenfield", "Farshire", "XA", within=text)
    city = _place("Bigcity", "Bigcity", "Northshire", "XA", within=text)
    assert in_named_region(NLP(text), [town, city], town) is city
