"""Code lists and names: what is a country, and which code it gets."""

import pytest

from pipeline.countries import CODE_LISTS, COUNTRIES, UNKNOWN_CODES


def found(doc):
    return [(s.label_, s._.mention_type) for s in doc.spans[COUNTRIES]]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("States (**BE, CZ, DE**) do.", ["BE", "CZ", "DE"]),
        ("States (EE, FR and SE) do.", ["EE", "FR", "SE"]),
        ("States (DE, EE as well as SE) do.", ["DE", "EE", "SE"]),
        ("States (AT, BE,\nCZ, DE) do.", ["AT", "BE", "CZ", "DE"]),
        ("One State (PL) does.", ["PL"]),
        ("States (GR, GB) do.", ["EL", "UK"]),
        ("States (EL, UK, IE, NO, CH) do.", ["EL", "UK", "IE", "NO", "CH"]),
        ("States (AT, BE: partially) do.", ["AT", "BE"]),
        ("States (AT, DE \u2013 only for minors) do.", ["AT", "DE"]),
    ],
)
def test_code_lists(process, text, codes):
    doc = process(text)
    assert [s.label_ for s in doc.spans[COUNTRIES]] == codes
    assert all(s._.mention_type == "code_list" for s in doc.spans[COUNTRIES])


@pytest.mark.parametrize(
    "text",
    [
        "A majority of (Member) States did.",
        "At EU level (EU) nothing.",
        "experiences in Rome (with Facebook and Twitter) were good",
        "The IT tools of the AT office.",
        "NO entry was recorded.",
        "In Northern Ireland a pilot ran.",
    ],
)
def test_not_countries(process, text):
    assert found(process(text)) == []


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("the Netherlands", "NL"), ("Slovak Republic", "SK"), ("Slovakia", "SK"), ("Czechia", "CZ"),
        ("Czech Republic", "CZ"), ("the United Kingdom", "UK"), ("the UK", "UK"), ("Greece", "EL"),
        ("Norway", "NO"), ("Switzerland", "CH"), ("Ireland", "IE"), ("Luxembourg", "LU"),
    ],
)
def test_country_names_map_to_eu_codes(process, name, code):
    doc = process(f"In {name}, a pilot ran.")
    assert found(doc) == [(code, "name")]


def test_unknown_code_in_a_list_is_kept_aside(process):
    doc = process("States (BE, XX) did.")
    assert [s.label_ for s in doc.spans[COUNTRIES]] == ["BE"]
    assert [s.text for s in doc.spans[UNKNOWN_CODES]] == ["XX"]
    assert [s.text for s in doc.spans[CODE_LISTS]] == ["(BE, XX)"]


def test_code_offsets_point_at_the_code(process):
    doc = process("Three States (**EE, FR** and **SE**) did not.")
    assert [doc.text[s.start_char:s.end_char] for s in doc.spans[COUNTRIES]] == ["EE", "FR", "SE"]


def test_parentheses_holding_only_names_are_a_list(process):
    doc = process("3.1. Which cases?\n\n- doubts about documents (Czechia, Estonia and the Netherlands);\n"
                  "- a registry (see Annex, Belgium).\n")
    assert [s.label_ for s in doc.spans[CODE_LISTS]] == ["NAME_LIST"]
    names = [s for s in doc.spans[COUNTRIES] if s._.code_list_range is not None]
    assert [(s.label_, s._.mention_type) for s in names] == [("CZ", "name"), ("EE", "name"), ("NL", "name")]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("No maximum exists in LT and LU.", ["LT", "LU"]),
        ("Statistics are collected by BG, DE, ES and NO.", ["BG", "DE", "ES", "NO"]),
        ("It is laid down in law in all these States except LV, where a regulation applies.", ["LV"]),
        ("Legal aid is not provided in SI.", ["SI"]),
        ("AT or CZ may apply it.", ["AT", "CZ"]),
        ("The question was not applicable to IE, which has not opted in.", ["IE"]),
        ("Most apply it, while SK had no information.", ["SK"]),
        ("Most apply it. CZ had no information on the matter.", ["CZ"]),
        ("It applies in AT, NO and the observer country MD.", ["AT", "NO", "MD"]),
        ("Replies came from AT, BE plus NO.", ["AT", "BE", "NO"]),
    ],
)
def test_bare_codes_in_prose_are_code_lists(process, text, codes):
    doc = process(text)
    assert [s.label_ for s in doc.spans[COUNTRIES]] == codes
    assert {s.label_ for s in doc.spans[CODE_LISTS]} == ({"BARE_CODE"} if len(codes) == 1 else {"BARE_CODE_LIST"})


@pytest.mark.parametrize("text", ["Funding for IT tools was raised.", "IN PRACTICE AT A GLANCE",
                                  "It is in IT systems."])
def test_capitalised_words_are_no_bare_codes(process, text):
    assert list(process(text).spans[COUNTRIES]) == []


def test_a_table_cell_of_codes_names_its_row(process):
    doc = process("| State | Yes |\n|---|---|\n| AT | X |\n| BE, LU | X |\n")
    assert found(doc) == [("AT", "table"), ("BE", "table"), ("LU", "table")]
