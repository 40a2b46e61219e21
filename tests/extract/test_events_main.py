"""Stage 7: which event comes first, and where and when it happened (invented articles)."""

from newsevents import extract


def _events(text, date="2021-03-12"):
    return extract(text, date=date).events


def test_the_event_of_the_headline_comes_first():
    text = ("Fuel price protest turns violent in Tamale\n\n"
            "Angry crowds set fire to tyres and blocked roads. Traders closed their shops. "
            "Separately, on Tuesday police arrested opposition politician John Mensah at his home "
            "in Kumasi, his lawyer said.")
    ev = _events(text)
    assert ev[0].type != "ARREST", [(e.type, e.trigger.text) for e in ev]
    assert "Tamale" in (ev[0].location.text or ""), ev[0].location


def test_a_first_line_closed_by_a_full_stop_is_no_headline():
    text = ("Gunmen killed two farmers in a village near Kano on Wednesday, officials said.\n\n"
            "The farmers had been working in their fields. Police said they would investigate.")
    ev = _events(text)
    assert ev[0].type in ("ATTACK", "ARMED_CLASH") and ev[0].date.value == "2021-03-10"


def test_the_surname_of_a_person_named_in_the_article_is_not_a_place():
    text = ("Police arrested three protesters outside parliament on Monday, said a spokesman for "
            "interior minister Peter Jackson. The protesters had handed a petition to Jackson.")
    ev = _events(text)
    assert ev and all((e.location is None or e.location.text != "Jackson") for e in ev), \
        [(e.type, e.location) for e in ev]


def test_a_place_after_in_stays_a_place_even_if_a_person_shares_the_name():
    text = ("Police arrested three protesters in Jackson on Monday, mayor Ruth Jackson said.")
    ev = _events(text)
    assert ev[0].location is not None and ev[0].location.name == "Jackson"


def test_the_most_precise_place_told_for_the_event():
    ev = _events("A bomb exploded in Nigeria on Monday at a market in the city of Maiduguri, "
                 "killing four people.")
    assert ev[0].location.name == "Maiduguri" and ev[0].location.basis == "text"


def test_a_country_is_narrowed_by_the_next_sentence_of_the_paragraph():
    ev = _events("A bomb exploded at a crowded market in northern Nigeria on Monday, killing "
                 "four people. The market lies in the centre of Maiduguri.")
    assert ev[0].location.name == "Maiduguri"


def test_a_country_is_not_narrowed_across_paragraphs():
    ev = _events("A bomb exploded at a crowded market in northern Nigeria on Monday, killing "
                 "four people.\n\nSeparately, the president travelled to Lagos.")
    assert ev[0].location.name == "Nigeria"


def test_the_main_place_prefers_a_city_inside_the_country_the_article_names():
    text = ("Floods killed four people on Monday, officials said. Kenya has had weeks of heavy "
            "rain and Kenya's weather service expects more. Rescue teams were sent to Garissa.")
    ev = _events(text)
    assert ev[0].location.name == "Garissa" and ev[0].location.basis == "article"


def test_the_main_place_keeps_a_country_named_throughout_over_a_city_named_once():
    text = ("Floods killed four people on Monday, officials said. Kenya has had weeks of heavy "
            "rain. Kenya's weather service expects more, and Kenya's government has asked for "
            "help. A minister spoke to reporters in Nairobi.")
    ev = _events(text)
    assert ev[0].location.name == "Kenya"


def test_a_time_in_the_possessive_dates_its_own_noun():
    ev = _events("The two presidents met in the capital on Friday morning following Monday's "
                 "vote.")
    main = ev[0]
    assert main.type == "DIPLO" and main.date.value == "2021-03-12", main.date


def test_following_as_a_preposition_is_not_part_of_the_time():
    times = extract("The two presidents met following Monday's vote.", date="2021-03-12").mentions.times
    monday = next(t for t in times if "Monday" in t.text)
    assert monday.text == "Monday" and monday.value == "2021-03-08"


def test_a_report_of_only_earlier_events_gets_its_lead_as_the_main_event():
    text = ("Thousands of supporters filled the streets of Lagos on Wednesday, chanting slogans "
            "against the new tax law. In 2015, police had arrested the party's founder.")
    ev = _events(text)
    assert not ev[0].background and ev[0].rule.startswith("model:"), [(e.type, e.rule) for e in ev]
    assert ev[0].date.value == "2021-03-10" and ev[0].location.name == "Lagos"
    assert any(e.type == "ARREST" and e.background for e in ev[1:])


def test_a_place_in_a_list_the_model_ran_into_one_name_is_still_the_event_place():
    ev = _events("On 2 March 2021, nurses protested in Kisumu (Kisumu, Kisumu County) to demand "
                 "unpaid allowances.")
    assert ev[0].location.name == "Kisumu" and ev[0].location.basis == "text", ev[0].location


# -- a headline and its lead (invented articles) ----------------------------------------------

def test_a_headline_event_told_again_in_the_lead_is_one_record_with_both_spans():
    text = ("Journalist abducted by gunmen\n\nUnknown gunmen abducted radio journalist Peter "
            "Okello in Gulu on Tuesday evening, his colleagues said.")
    ev = _events(text)
    main = ev[0]
    spans = [main.trigger.start, *(m.start for m in main.mentions)]
    assert main.type == "ABDUCT_DISSAP" and min(spans) < text.index("\n") < max(spans), main
    assert main.date.value == "2021-03-09" and main.location.name == "Gulu"
    assert not any(e.type == "ABDUCT_DISSAP" for e in ev[1:]), [(e.type, e.trigger.text) for e in ev]


def test_a_headline_event_takes_the_date_and_place_of_its_lead():
    text = ("Troops clash with rebels near border post\n\nSoldiers fought rebel fighters near "
            "Bunia on Saturday, the army said.")
    main = _events(text)[0]
    assert main.trigger.text == "clash" and main.date.value == "2021-03-06", main.date
    assert main.location.name == "Bunia", main.location


def test_a_headline_event_keeps_apart_from_a_lead_about_someone_else():
    text = ("Police arrest opposition leader Mary Achieng\n\nOfficers arrested journalist John "
            "Otieno in Nakuru on Thursday.")
    ev = _events(text)
    arrests = [e for e in ev if e.type == "ARREST"]
    assert len(arrests) == 2, [(e.type, e.trigger.text) for e in ev]
    headline = next(e for e in arrests if e.trigger.start < text.index("\n"))
    assert headline.date.basis == "article_date"  # not the other arrest's Thursday


def test_a_lead_event_takes_the_place_its_headline_names():
    text = "A tense night in Kisumu\n\nPolice shot dead two men on Monday, residents said."
    main = _events(text)[0]
    assert main.location.name == "Kisumu" and main.location.basis == "text", main.location
    assert main.date.value == "2021-03-08"


def test_a_lead_event_counts_the_dead_its_headline_reports():
    text = ("Nine dead as bus plunges off mountain road\n\nA bus carrying pilgrims crashed into a "
            "ravine near Shimla on Sunday morning, police said.")
    main = _events(text)[0]
    assert main.fatalities is not None and main.fatalities.min == 9, main


def test_the_classifier_reads_the_headline_and_the_first_sentences_of_its_lead(nlp):
    from newsevents.extract.events import _lead, headline_sentences, lead_sentence
    from newsevents.nlp import make_doc, run_pipeline
    from newsevents.schema import Article
    text = ("Teachers strike over pay\n\nThousands of teachers walked out of schools in Lusaka on "
            "Monday. They want higher salaries. The minister said talks would resume.")
    doc = next(run_pipeline(nlp, [make_doc(nlp, Article(id="t", text=text))], batch_size=1))
    assert headline_sentences(doc) == 1 and lead_sentence(doc).text.startswith("Thousands")
    read = _lead(doc)
    assert read.startswith("Teachers strike over pay") and "higher salaries" in read
    assert "minister" not in read


def test_a_subtitle_under_the_headline_is_not_the_lead(nlp):
    from newsevents.extract.events import lead_sentence
    from newsevents.nlp import make_doc, run_pipeline
    from newsevents.schema import Article
    text = ("Floods hit the coast\n\nResidents say the warnings came too late\n\nHeavy rain "
            "flooded low-lying parts of Mombasa on Friday.")
    doc = next(run_pipeline(nlp, [make_doc(nlp, Article(id="t", text=text))], batch_size=1))
    assert lead_sentence(doc).text.startswith("Heavy rain")
