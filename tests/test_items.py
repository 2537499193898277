"""Items: bullet labels and inline items, and which lists carry none."""

import pytest

from pipeline.stance import RESPONSES

from .conftest import summary


def items(doc):
    return [(s.label_, s._.item) for s in doc.spans[RESPONSES]]


def test_bullet_item_is_the_text_before_its_list(process):
    doc = process(summary("States monitor groups such as:\n\n- \u2605 Facebook (**BE, CZ**);\n"
                          "- \u2605 VK - Russian Facebook (**FI**).\n"))
    assert items(doc) == [("BE", "Facebook"), ("CZ", "Facebook"), ("FI", "VK - Russian Facebook")]


def test_inline_items_back_to_connector_or_such_as(process):
    doc = process(summary(
        "Several States (**BE, DE, ES, PL**) gave examples in other areas such as trafficking "
        "and exploitation (**ES**), prevention of suicide (**PL**) or improved cooperation with "
        "providers such as Facebook (**BE**) or EU Agencies such as Europol (**DE**)."))
    assert items(doc) == [
        ("BE", ""), ("DE", ""), ("ES", ""), ("PL", ""),
        ("ES", "trafficking and exploitation"),
        ("PL", "prevention of suicide"),
        ("BE", "improved cooperation with providers such as Facebook"),
        ("DE", "EU Agencies such as Europol"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Most States stated that they either have no such practice (CY) or they have no information (HR).",
        "Eight States (BE) cooperate; however five of these Member States (CZ) have no framework.",
        "Some EMN NCPs (AT) replied, while others (BE) did not.",
        "A staff member is present in most cases (AT, CZ), apart from (BE, LU), where the applicant is alone.",
    ],
)
def test_statement_lists_carry_no_item(process, sentence):
    assert all(item == "" for _, item in items(process(summary(sentence))))


@pytest.mark.parametrize(("sentence", "first"), [
    ("Access is subject to a work permit (AT, BE) or to a labour market test (CY).", "a work permit"),
    ("Consent is given by the guardian (AT, BE) or by the applicant alone (CY).", "by the guardian"),
    ("Support takes the form of a one-off grant (AT, BE), a loan (NL) or a guarantee (IE).", "a one-off grant"),
    ("Safeguards are the presence of a lawyer in the room with the applicant (AT, BE) and a test call (DE).",
     "the presence of a lawyer in the room with the applicant"),
])
def test_the_first_of_two_items_sharing_a_preposition_is_an_item(process, sentence, first):
    assert {label for code, label in items(process(summary(sentence))) if code in ("AT", "BE")} == {first}


def test_a_number_after_while_is_the_subject_of_its_list(process):
    doc = process(summary("A majority of respondents (AT, BE) reported that interviews can be held by video, "
                          "while seven (BG, EL) do not conduct remote interviews at all."))
    assert [(code, s._.stance, s._.item) for code, s in ((s.label_, s) for s in doc.spans[RESPONSES])] == [
        ("AT", "yes", ""), ("BE", "yes", ""), ("BG", "no", ""), ("EL", "no", "")]


def test_an_enumerator_inside_the_first_either_branch_opens_an_item(process):
    doc = process(summary("Respondents use either commercial platforms such as Microsoft Teams (AT, EE) "
                          "or systems on their own servers (BE)."))
    assert items(doc)[:2] == [("AT", "Microsoft Teams"), ("EE", "Microsoft Teams")]


def test_a_number_after_a_comma_and_and_is_a_subject(process):
    doc = process(summary("Ten (Member) States (AT, CY) reported no such practice, and four (FR, HU) had no "
                          "information on this question."))
    assert [(s.label_, s._.stance, s._.item) for s in doc.spans[RESPONSES]] == [
        ("AT", "no", ""), ("CY", "no", ""), ("FR", "no_information", ""), ("HU", "no_information", "")]


def test_a_bullet_that_opens_with_its_list_names_its_item_after_the_colon(process):
    doc = process(summary("Other arrangements were reported:\n\n\u2713 (**FR, SE**): places close to an airport;\n"
                          "\u2713 (AT) reported a family wing."))
    assert items(doc) == [("FR", "places close to an airport"), ("SE", "places close to an airport"), ("AT", "")]


def test_the_first_list_of_a_series_of_items_is_an_item_too(process):
    doc = process(summary("The competent authority is, in most cases, the migration office (BE, CZ), "
                          "the ministry (LU) or an independent office (FR)."))
    assert items(doc) == [("BE", "the migration office"), ("CZ", "the migration office"), ("LU", "the ministry"),
                          ("FR", "an independent office")]


def test_a_list_after_its_subject_stays_the_statements_own_in_a_series(process):
    doc = process(summary("Two States (BE, CZ) use reporting, bail (LU) or tags (FR)."))
    assert items(doc)[:2] == [("BE", ""), ("CZ", "")]
