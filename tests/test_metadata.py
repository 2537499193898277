"""Query number, date, title, stated count and respondents from the introduction."""

from pathlib import Path

import pytest

from pipeline.ingest import Source, make_doc
from pipeline.metadata import parse_number

WORDS = ["one", "two", "three"] + ["x"] * 16 + ["twenty", "twenty-one", "twenty-two"]


def header(first_line: str, intro: str, footnote: str = "") -> str:
    return "\n".join([first_line, "", "Return of rejected applicants", "", "1. INTRODUCTION", "", intro,
                      "", footnote, "", "2.1. Do States do X?", "", "Yes (AT)."])


@pytest.mark.parametrize(
    ("first_line", "query_id", "query_date"),
    [
        ("Summary of EMN Ad-Hoc Query No. 2101 from 3 March 2019", "2101", "2019-03-03"),
        ("EMN Ad-Hoc Query N\u00b0 77 launched on 12/05/2020", "77", "2020-05-12"),
        ("Summary of AHQ 305 of 14th September 2021", "305", "2021-09-14"),
        ("Summary of EMN Ad Hoc Query 12 (April 18, 2016)", "12", "2016-04-18"),
        ("EMN Ad-Hoc Query No. 512 \u2013 Summary of responses (5 May 2021)", "512", "2021-05-05"),
        ("Summary of EMN Ad-Hoc Query No. 88 from 18 of April 2016", "88", "2016-04-18"),
        ("Summary of EMN Ad-Hoc Query No. 89 from 3 Sept. 2019", "89", "2019-09-03"),
        ("Summary of EMN Ad-Hoc Query No. 90 from 18.04.2016", "90", "2016-04-18"),
        ("Summary of EMN Ad-Hoc Query No. 91 from 2016-04-18", "91", "2016-04-18"),
        ("Summary of EMN Ad-Hoc Query No. 92 from 31 February 2016, launched 2 March 2016", "92", "2016-03-02"),
    ],
)
def test_query_number_and_date(process, first_line, query_id, query_date):
    meta = process(header(first_line, "Intro.")).\
        _.metadata
    assert (meta["query_id"], meta["query_date"]) == (query_id, query_date)
    assert meta["title"] == "Return of rejected applicants"


@pytest.mark.parametrize(
    ("intro", "footnote", "stated", "respondents"),
    [
        ("It is based on contributions from 3 EU Member States.\u00b9", "\u00b9 BE, CZ, CY.", 3,
         ["BE", "CZ", "CY"]),
        ("The query was answered by three (Member) States.\u00b9", "\u00b9 Austria, the Netherlands and Greece.",
         3, ["AT", "NL", "EL"]),
        ("Responses were received from AT, BE, FI and SE.", "", None, ["AT", "BE", "FI", "SE"]),
        ("Twenty-two EMN NCPs responded to the query.\u00b9", "\u00b9 AT, BE, BG.", 22, ["AT", "BE", "BG"]),
        ("Responses were received from 3 EMN Member Countries and 1 EMN Observer Country, i.e. 4 countries in "
         "total.1 This is a summary.", "1 AT, BE, CZ and GE.", 4, ["AT", "BE", "CZ", "GE"]),
        ("It is based on contributions from 3 Member States and Norway.\u00b9", "\u00b9 AT, BE, CZ, NO.", 4,
         ["AT", "BE", "CZ", "NO"]),
        ("Responses were received from 3 Member States and 1 Observer Country.\u00b9", "\u00b9 AT, BE, CZ, GE.", 4,
         ["AT", "BE", "CZ", "GE"]),
        ("It is based on contributions from 3 Member States and Eurostat data.\u00b9", "\u00b9 AT, BE, CZ.", 3,
         ["AT", "BE", "CZ"]),
        ("It is based on responses from 3 EMN NCPs\u00b9 and two EMN observer countries (GE, MD).",
         "\u00b9 AT, BE, CZ.", 5, ["AT", "BE", "CZ", "GE", "MD"]),
        ("In total, 4 EMN Member and Observer Countries responded to the query.\u00b9",
         "Notes\n\n1. AT, BE and NO, as well as the EMN observer country GE.\n2. Estonia changed its law.", 4,
         ["AT", "BE", "NO", "GE"]),
        ("In total, 5 responses were received, from 3 Member States (AT, BE, CZ), from Norway and from the "
         "Republic of Moldova.", "", 5, ["AT", "BE", "CZ", "NO", "MD"]),
        ("| Requested by | the AT EMN NCP |\n"
         "| Responses | 3 EMN NCPs (AT, BE, NO) and one EMN observer country, Georgia (GE) |",
         "", 4, ["AT", "BE", "NO", "GE"]),
    ],
)
def test_stated_count_and_respondents(process, intro, footnote, stated, respondents):
    meta = process(header("Summary of EMN Ad-Hoc Query No. 1 from 1 May 2020", intro, footnote))._.metadata
    assert meta["n_respondents_stated"] == stated
    assert meta["respondents"] == respondents


@pytest.mark.parametrize(("text", "value"), [("20", 20), ("Three", 3), ("twenty-one", 21),
                                              ("Twenty two", 22), ("a majority", None)])
def test_parse_number(text, value):
    assert parse_number(text, WORDS) == value


def test_a_date_wrapped_onto_the_next_line_stays_out_of_the_title(process):
    text = header("Summary of EMN Ad-Hoc Query No. 8017 from 12\nFebruary 2019", "It is based on 3 States.")
    meta = process(text)._.metadata
    assert (meta["query_date"], meta["title"]) == ("2019-02-12", "Return of rejected applicants")


@pytest.mark.parametrize(
    ("first_line", "query_id", "title"),
    [
        ("# Summary of EMN Ad-Hoc Query 2019.14 on family reunification of refugees", "2019.14",
         "family reunification of refugees"),
        ("Summary of EMN Ad-Hoc Query No. 1187 on Access to the labour market", "1187",
         "Access to the labour market"),
        ("# EMN Ad-Hoc Query on alternatives to detention\n\n**AHQ 2021.3** | Launched on 12 January 2021",
         "2021.3", "alternatives to detention"),
        ("EMN Ad-Hoc Query on Detention\n\nQuery number: AHQ 2022.08\n\nLaunched on 3 May 2022", "2022.08",
         "Detention"),
        ("Summary of EMN Ad-Hoc Query 2022.29 on registration of beneficiaries of temporary\nprotection and "
         "secondary movements\n\nRequested by the BE EMN NCP on 26 April 2022", "2022.29",
         "registration of beneficiaries of temporary protection and secondary movements"),
    ],
)
def test_year_numbered_queries_and_titles_after_on(process, first_line, query_id, title):
    meta = process(header(first_line, "Intro."))._.metadata
    assert (meta["query_id"], meta["title"]) == (query_id, title)


def test_a_title_set_by_its_layout_is_the_title(process):
    meta = process("# Alternatives to detention\n\nAHQ 2021.3, launched on 12 January 2021\n\n"
                   "1. INTRODUCTION\n\nIntro.\n\n2.1. Do States do X?\n\nYes (AT).")._.metadata
    assert (meta["query_id"], meta["title"]) == ("2021.3", "Alternatives to detention")


def test_observer_countries_count_and_those_that_did_not_reply_are_no_respondents(process):
    intro = ("Responses from 3 EMN NCPs (AT, BE, CZ) and 2 EMN observer countries (MD, UA) were received.[^1]")
    footnote = ("[^1]: The query was also addressed to Georgia (GE), Armenia (AM) and Serbia (RS), from which "
                "no reply had been received.")
    meta = process(header("Summary of EMN Ad-Hoc Query 2019.14 on a subject", intro, footnote))._.metadata
    assert meta["n_respondents_stated"] == 5
    assert meta["respondents"] == ["AT", "BE", "CZ", "MD", "UA"]


def test_a_total_after_the_counts_wins(process):
    intro = ("Replies were received from 3 EMN NCPs (2 Member States and Norway) and from one EMN observer "
             "country, 4 in total.\u00b9")
    meta = process(header("Summary of EMN Ad-Hoc Query 2020.27 on a subject", intro, "\u00b9 AT, BE, NO and MD."))
    assert (meta._.metadata["n_respondents_stated"], meta._.metadata["respondents"]) == (4, ["AT", "BE", "NO", "MD"])


def test_a_title_line_that_wraps_and_a_list_that_wraps_inside_the_count(nlp):
    text = ("EMN Ad-Hoc Query on Alternatives to\ndetention in return\n\nQuery number: AHQ 2022.08\n\n"
            "1. INTRODUCTION\n\nResponses from 3 EMN NCPs (AT, BE,\nCZ) and 2 EMN observer countries (GE, MD) were "
            "received.\n\n2.1. Do States do X?\n\nYes (AT).")
    source = Source(path=Path("t.pdf"), text=text, headings=[(0, 56, 0)])  # the title line as a PDF marks it
    meta = nlp(make_doc(nlp, source))._.metadata
    assert (meta["title"], meta["n_respondents_stated"]) == ("Alternatives to detention in return", 5)
