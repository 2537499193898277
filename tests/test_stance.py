"""Stance rules 1-4 of ANNOTATION.md on sentences written for each case."""

import pytest

from pipeline.stance import RESPONSES

from .conftest import summary


def stances(doc):
    return [(s.label_, s._.stance) for s in doc.spans[RESPONSES]]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # rule 1: lists take the polarity of their clause
        ("Twelve (Member) States (AT, BE) indicated that they apply the measure.",
         [("AT", "yes"), ("BE", "yes")]),
        ("Three Member States (EE, FR and SE) have reported that they do not conduct checks; "
         "however they do monitor other areas.", [("EE", "no"), ("FR", "no"), ("SE", "no")]),
        ("Two States (AT, BE) have no formal framework in place.", [("AT", "no"), ("BE", "no")]),
        ("For two States (AT, BE) no information is available.",
         [("AT", "no_information"), ("BE", "no_information")]),
        ("Four States (AT, BE) did not have any findings, either because they did not look "
         "or no data was available.", [("AT", "no"), ("BE", "no")]),
        ("Evaluations have not been carried out in most States, either because the mechanism is new "
         "or because no data were available (AT, BE).", [("AT", "no"), ("BE", "no")]),
        ("Three States apply it because the law requires it (DE, FR).", [("DE", "yes"), ("FR", "yes")]),
        ("Most States stated that they either have no such practice to report on (CY, FR) or "
         "they have no information about this question (HR, LU).",
         [("CY", "no"), ("FR", "no"), ("HR", "no_information"), ("LU", "no_information")]),
        ("Eight States (BE, CZ) cooperate; however two of these States (BE) have no formal framework.",
         [("BE", "yes"), ("CZ", "yes"), ("BE", "no")]),
        ("Five States (AT) reported checks, and three States (BE) did not.", [("AT", "yes"), ("BE", "no")]),
        ("Six States (CZ, EE) do not collect such statistics.", [("CZ", "no"), ("EE", "no")]),
        ("Two States (LU, PL) could not provide information on this question.",
         [("LU", "no_information"), ("PL", "no_information")]),
        ("Stays not exceeding 90 days are covered by a visa in three States (AT, BE).",
         [("AT", "yes"), ("BE", "yes")]),
        # rule 2: names in prose
        ("On the other hand **Cyprus** has stated that such methods are not used yet and "
         "**Luxembourg** has explained that no information is available on this topic.",
         [("CY", "no"), ("LU", "no_information")]),
        ("The **Netherlands** also explained that most smugglers were not located in the EU.",
         [("NL", "mention")]),
        ("The **United Kingdom** reported that to date there have been no prosecutions.",
         [("UK", "mention")]),
        ("**Belgium** which no longer needs to send letters reported progress.", [("BE", "mention")]),
        ("In **Ireland**, which is not bound by the Directive, a permit scheme applies.",
         [("IE", "mention")]),
        ("**Slovenia** reported that no procedure is laid down in national law.", [("SI", "no")]),
        ("With the exception of **Belgium**, **Spain** and **Norway**, no further information was provided.",
         [("BE", "yes"), ("ES", "yes"), ("NO", "yes")]),
        ("All respondents except **Ireland** have a procedure.", [("IE", "no")]),
        ("With the exception of **Cyprus** and Greece, where the law allows force, none of the States "
         "reported using coercion.", [("CY", "yes"), ("EL", "yes")]),
        ("Except for (AT, BE), all States reported no cases.", [("AT", "yes"), ("BE", "yes")]),
        # rule 3: places are not rows
        ("**Poland** explained that services were provided in the UK for money.", [("PL", "mention")]),
        ("Norway also provided information on movements to Norway.", [("NO", "mention")]),
        ("No difference is made in **Austria** and **Estonia**.", [("AT", "no"), ("EE", "no")]),
        ("Some **Belgian** cases (BE) exist. Reimbursement is not foreseen in Czechia and Italy.",
         [("BE", "yes"), ("CZ", "no"), ("IT", "no")]),
    ],
)
def test_stance(process, sentence, expected):
    assert stances(process(summary(sentence))) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("Are workers allowed to change employer?", "**Italy** noted that a worker cannot change employer.", "no"),
        ("Do States apply a labour market test?", "**Slovakia** noted that the test does not apply to them.",
         "no"),
        ("Is consent required?", "Consent is not required in **Greece**.", "no"),
        ("Have cases of exploitation been detected?", "**Lithuania** reported no confirmed cases.", "no"),
        ("Do States keep statistics?", "**Latvia** reported no changes in 2019.", "mention"),
        ("Can workers switch permits?", "**Norway** considered the question not applicable.", "no"),
        ("Which safeguards are in place?", "In **Croatia**, no specific safeguards are in place.", "no"),
        ("Which safeguards are in place?", "In **Croatia**, no fee is charged for the test.", "mention"),
        ("Which obligations do employers have?", "In **Austria**, the rent may not be deducted automatically.",
         "mention"),
    ],
)
def test_name_denials_are_anchored_in_the_question(process, question, sentence, expected):
    doc = process(f"3.1. {question}\n\n{sentence}\n")
    assert [s._.stance for s in doc.spans[RESPONSES]] == [expected]


def test_bullets_take_the_polarity_of_their_lead_in(process):
    doc = process(summary("The following requirements are not applied in the States indicated:\n\n"
                          "\u2022 Housing checks (AT, BE);\n\u2022 Wage checks (CZ).\n\n"
                          "Other States apply the following:\n\n\u2022 Language tests (DE)."))
    assert stances(doc) == [("AT", "no"), ("BE", "no"), ("CZ", "no"), ("DE", "yes")]


def test_every_response_lies_in_its_statement(process):
    doc = process(summary("Three States (EE, FR and SE) do not. **Cyprus** has stated nothing."))
    for span in doc.spans[RESPONSES]:
        statement = span._.statement
        assert statement.start_char <= span.start_char < span.end_char <= statement.end_char


def test_observer_states_by_name_only_where_they_respond(process):
    text = ("Summary of EMN Ad-Hoc Query No. 4711 from 2 May 2022\n\nA test query\n\n1. INTRODUCTION\n\n"
            "It is based on contributions from 3 countries.\u00b9\n\n\u00b9 AT, BE, GE.\n\n2. SUMMARY\n\n"
            "2.1. Do States use it?\n\n**Georgia** did not provide information. "
            "Applicants from Ukraine are interviewed in **Austria**.\n")
    assert stances(process(text)) == [("GE", "no_information"), ("AT", "mention")]


@pytest.mark.parametrize(("sentence", "stance"), [
    ("No statistics on returns are kept in (AT, BE).", "no"),
    ("No statistics exist in (AT, BE).", "no_information"),
    ("No figures on this are available for (AT, BE).", "no_information"),
    ("No nationwide statistics are available in (AT, BE).", "no_information"),
    ("No fee information was provided by (AT, BE).", "no_information"),
])
def test_statistics_not_kept_deny_and_not_available_are_no_information(process, sentence, stance):
    doc = process(summary(sentence))
    assert {s._.stance for s in doc.spans[RESPONSES]} == {stance}


def test_states_without_the_practice_deny_it(process):
    doc = process(summary("States without a dedicated procedure (AT, CY) assess it incidentally, "
                          "while it can be done without any further authorisation in (BE)."))
    assert {(s.label_, s._.stance) for s in doc.spans[RESPONSES]} == {("AT", "no"), ("CY", "no"), ("BE", "yes")}


@pytest.mark.parametrize("sentence", [
    "In (AT, BE) the applicant must demonstrate that he cannot obtain a passport.",
    "In (AT, BE) it is not uncommon for the fee to be waived.",
    "In (AT, BE) proof is required, for example a refusal that cannot be appealed.",
    "In (AT, BE) proof is required, or a statement explaining why it cannot be obtained.",
    "Of the (Member) States without a scheme, several admit them as self-employed persons (AT, BE).",
])
def test_a_negation_that_is_the_condition_a_double_negation_or_an_example_denies_nothing(process, sentence):
    doc = process(summary(sentence))
    assert {s._.stance for s in doc.spans[RESPONSES]} == {"yes"}


def test_a_named_state_that_no_longer_requires_what_the_question_asks_denies_it(process):
    text = ("Summary of EMN Ad-Hoc Query No. 4711 from 2 May 2022\n\nA test query\n\n1. INTRODUCTION\n\n"
            "It is based on contributions from 3 countries.\u00b9\n\n\u00b9 AT, BE, FR.\n\n2. SUMMARY\n\n"
            "2.1. Is the document conditional on proof of identity?\n\n**France** no longer requires such proof.\n")
    assert stances(process(text)) == [("FR", "no")]


@pytest.mark.parametrize("sentence", ["Two States (AT, BE), however, do not apply it.",
                                      "Two States (AT, BE), on the other hand, do not apply it."])
def test_a_contrast_set_off_by_commas_ends_no_clause(process, sentence):
    doc = process(summary(sentence))
    assert {s._.stance for s in doc.spans[RESPONSES]} == {"no"}


def test_data_not_collected_deny_and_data_not_available_is_no_information(process):
    for sentence, stance in (("No data on returns are collected in (AT, BE).", "no"),
                             ("No data were available in (AT, BE).", "no_information")):
        doc = process(summary(sentence))
        assert {s._.stance for s in doc.spans[RESPONSES]} == {stance}
