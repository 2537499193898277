"""Compilations of replies: replies per country, answers per question, and their stance."""

from pipeline.export.tables import extract

FRONT = ("Compilation of replies to EMN Ad-Hoc Query 2030.1 on Reporting duties\n\n"
         "Requested by the BE EMN NCP on 3 May 2030\n\n"
         "Responses from Austria, Belgium, Czech Republic and Estonia (4 in total)\n\n"
         "1. Background Information\n\nPlease answer these questions:\n\n"
         "1. Does your Member State apply reporting duties?\n2. Is electronic monitoring used?\n"
         "3. How many persons were placed under reporting duties in 2029?\n\n2. Responses\n\n")


def rows(doc):
    return sorted((r[2], r[3], r[4]) for r in extract(doc, "c").responses)


def test_sections_per_country_give_one_row_per_country_and_question(process):
    doc = process(FRONT + "Austria\nWider Dissemination: Yes\n1. Yes. Section 77 provides for it.\n"
                  "2. No.\n3. Figures are not available.\n\n"
                  "Belgium\nWider Dissemination: No\nThis NCP has requested that its reply is not disseminated "
                  "further.\n\n"
                  "Czech Republic\nWider Dissemination: Yes\nQ1: Electronic tags are not used. Reporting is.\n"
                  "Q3: Please refer to the annual report of the police.\n\n"
                  "Estonia\nWider Dissemination: Yes\n2.-3. No information available.\n")
    assert doc._.metadata["kind"] == "compilation"
    assert doc._.metadata["respondents"] == ["AT", "BE", "CZ", "EE"]
    assert [q.label_ for q in doc.spans["emn_questions"]] == ["1", "2", "3"]
    assert rows(doc) == [("1", "AT", "yes"), ("1", "CZ", "no"), ("2", "AT", "no"), ("2", "EE", "no_information"),
                         ("3", "AT", "no_information"), ("3", "CZ", "mention"), ("3", "EE", "no_information")]
    belgium = next(r for r in doc._.replies if r.country == "BE")
    assert belgium.withheld and belgium.answers == ()  # a respondent with no rows


def test_an_answers_row_keeps_the_answer_as_its_evidence_and_span(process):
    doc = process(FRONT + "Austria\nWider Dissemination: Yes\n1. Yes. Section 77 provides for it.\n")
    (row,) = extract(doc, "c").responses
    assert row[6:8] == ("reply", "Yes. Section 77 provides for it.")
    assert doc.text[row[8]:row[9]] == "Yes. Section 77 provides for it."


def test_a_table_of_replies_split_over_two_rows_is_one_reply(process):
    doc = process(FRONT + "| Country | Wider Dissemination | Response |\n|---|---|---|\n"
                  "| Austria | Yes | Q1: Yes. Reporting applies. Q2: No. |\n|  |  | Q3: 1,204 persons in 2029. |\n"
                  "| Belgium | No | Not to be disseminated further. |\n")
    assert rows(doc) == [("1", "AT", "yes"), ("2", "AT", "no"), ("3", "AT", "yes")]


def test_answers_apart_by_html_line_breaks_in_a_markdown_cell(process):
    doc = process(FRONT + "| Country | Wider Dissemination | Response |\n|---|---|---|\n"
                  "| Austria | Yes | Q1. Yes. Reporting applies (Section 7).<br>Q2. No.<br/>Q3. Not available. |\n")
    assert rows(doc) == [("1", "AT", "yes"), ("2", "AT", "no"), ("3", "AT", "no_information")]


def test_no_opening_a_phrase_is_no_answer_and_a_bare_number_after_a_stop_is_no_answer_number(process):
    doc = process(FRONT + "Austria\nWider Dissemination: Yes\nQ1. Yes. It is required (Section 9a(2) nos. 3 and 4 "
                  "Residence Act). Q2. No. Q3. No nationwide statistics are available.\n")
    assert rows(doc) == [("1", "AT", "yes"), ("2", "AT", "no"), ("3", "AT", "no_information")]


def test_a_table_of_replies_whose_header_wraps_in_its_cell_makes_a_compilation(process):
    doc = process(FRONT + "| Country | Wider \u2029Dissemination | Response |\n|---|---|---|\n"
                  "| Austria | Yes | 1. Yes. 2. No. 3. Not available. |\n")
    assert doc._.metadata["kind"] == "compilation" and rows(doc)[0] == ("1", "AT", "yes")


def test_unnumbered_paragraphs_answer_in_order_when_their_count_matches(process):
    doc = process(FRONT + "Austria\nWider Dissemination: Yes\nReporting duties apply.\nTags are not used.\n"
                  "No data are collected.\n\nBelgium\nWider Dissemination: Yes\nReporting applies.\nSee the law.\n")
    assert rows(doc) == [("1", "AT", "yes"), ("2", "AT", "no"), ("3", "AT", "no")]
    assert [f.kind for f in doc._.findings if f.kind == "reply_unread"] == ["reply_unread"]


def test_a_number_inside_an_answer_is_no_answer_number(process):
    doc = process(FRONT + "Austria\nWider Dissemination: Yes\n1. Yes. It was introduced on 3 May 2020 and "
                  "amended in 2022. Section 2 of the Act applies.\n3. No data available.\n")
    assert rows(doc) == [("1", "AT", "yes"), ("3", "AT", "no_information")]


def test_figures_not_available_are_no_information_and_a_law_number_negates_nothing(process):
    doc = process(FRONT + "Austria\nWider Dissemination: Yes\n1. Please refer to Law No. 270/2008, available at "
                  "www.example.at.\n2. Tags are not available in Austria.\n3. Not available.\n")
    assert rows(doc) == [("1", "AT", "mention"), ("2", "AT", "no"), ("3", "AT", "no_information")]
