"""Question headings, bodies and statements on the layouts summaries come in."""

import pytest

from pipeline.sections import QUESTION_BODIES, QUESTIONS, STATEMENTS, TABLE_BLOCKS


def questions(doc):
    return [(q.label_, " ".join(doc._.clean_text[q.start_char:q.end_char].split()))
            for q in doc.spans[QUESTIONS]]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("3.1. Do Member States monitor X?", ("3.1", "Do Member States monitor X?")),
        ("4.2 Which methods are used?", ("4.2", "Which methods are used?")),
        ("**2.3. Is consent required?**", ("2.3", "Is consent required?")),
        ("Q3. Are there examples?", ("Q3", "Are there examples?")),
        ("Q.2 Are there examples?", ("Q2", "Are there examples?")),
        ("Q4-5. Are they involved? Are there agreements?", ("Q4-5", "Are they involved? Are there agreements?")),
        ("**Question 4 \u2013 Are there examples?**", ("4", "Are there examples?")),
        ("1.1) Does the law allow it?", ("1.1", "Does the law allow it?")),
        ("Question 4: Are there examples?", ("4", "Are there examples?")),
        ("## 3.2. Are there examples?", ("3.2", "Are there examples?")),
        ("5.1. Please describe the procedure in place.", ("5.1", "Please describe the procedure in place.")),
        ("3.4. Do States cooperate? If so, are there good examples?",
         ("3.4", "Do States cooperate? If so, are there good examples?")),
        ("II.3. Which software is used?", ("II.3", "Which software is used?")),
        ("III.1 Has your State evaluated it?", ("III.1", "Has your State evaluated it?")),
    ],
)
def test_question_headings(process, heading, expected):
    doc = process(f"Intro.\n\n{heading}\n\nBody sentence (AT).\n")
    assert questions(doc) == [expected]


def test_heading_wrapped_over_lines_ends_at_its_question_mark(process):
    doc = process("1.1. Which obligations are imposed on employers, in particular as regards\n"
                  "accommodation and wages?\nAustria reported a rule.\n")
    assert questions(doc) == [("1.1", "Which obligations are imposed on employers, in particular "
                                      "as regards accommodation and wages?")]
    assert [s.text for s in doc.spans[STATEMENTS]] == ["Austria reported a rule."]


def test_heading_wrapped_after_an_abbreviation_goes_on_in_lower_case(process):
    doc = process("4. Can the outcome be challenged separately, i.e.\nbefore the decision on the\n"
                  "application?\n\nNo (AT).\n")
    assert questions(doc) == [("4", "Can the outcome be challenged separately, i.e. before the decision on the "
                                    "application?")]


def test_section_titles_are_not_questions_but_end_bodies(process):
    doc = process("1. INTRODUCTION\n\nText.\n\n3.1. Do they?\n\nYes (AT).\n\n4. CONCLUSIONS\n\nAll agree (BE).\n")
    assert questions(doc) == [("3.1", "Do they?")]
    assert [s.text for s in doc.spans[STATEMENTS]] == ["Yes (AT)."]


@pytest.mark.parametrize("glyph", ["- \u2605", "\u2022", "\u25aa", "\u2013", "-", "\uf0b7", "a)", "(ii)", "o", "+"])
def test_bullets_with_any_glyph_and_their_lead_in(process, glyph):
    doc = process(f"3.1. Which tools?\n\nStates use tools such as:\n\n"
                  f"{glyph} Facebook (BE, CZ);\n{glyph} Twitter (HU).\n")
    statements = doc.spans[STATEMENTS]
    assert [(s.label_, s.text) for s in statements] == [
        ("sentence", "States use tools such as:"),
        ("bullet", "Facebook (BE, CZ);"),
        ("bullet", "Twitter (HU)."),
    ]
    assert statements[2]._.lead_in.text == "States use tools such as:"


def test_sentence_cut_by_a_page_break_is_joined(process):
    doc = process("3.1. Do they?\n\nThe Netherlands explained that this made\n\n"
                  "investigations difficult. Next sentence.\n")
    assert [s.text for s in doc.spans[STATEMENTS]] == [
        "The Netherlands explained that this made\n\ninvestigations difficult.",
        "Next sentence.",
    ]


def test_abbreviations_do_not_end_sentences(process):
    doc = process("3.1. Do they?\n\nSome e.g. Belgium use No. 12 rules. Others do not.\n")
    assert len(doc.spans[STATEMENTS]) == 2


def test_each_body_token_knows_its_question(process):
    doc = process("3.1. First?\n\nAlpha.\n\n3.2. Second?\n\nBeta.\n")
    alpha = next(t for t in doc if t.text == "Alpha")
    beta = next(t for t in doc if t.text == "Beta")
    assert (alpha._.question.label_, beta._.question.label_) == ("3.1", "3.2")


def test_roman_section_titles_end_the_question_before_them(process):
    doc = process("I.1. Do States use it?\n\nAustria does (AT).\n\nII. SAFEGUARDS\n\n"
                  "II.1. Which safeguards apply?\n\nBelgium checks (BE).\n")
    assert [q[0] for q in questions(doc)] == ["I.1", "II.1"]
    assert [s.text for s in doc.spans[STATEMENTS]] == ["Austria does (AT).", "Belgium checks (BE)."]


@pytest.mark.parametrize("glyph", ["\u00a7", "i.", "iii.", "b.", "\u27a4"])
def test_more_bullet_glyphs(process, glyph):
    doc = process(f"3.1. Which checks apply?\n\nThe checks are:\n\n{glyph} housing checks (AT);\n"
                  f"{glyph} wage checks (BE).\n")
    assert [s.label_ for s in doc.spans[STATEMENTS]] == ["sentence", "bullet", "bullet"]


def test_a_wrapped_case_name_is_no_bullet(process):
    doc = process("3.1. Which rulings apply?\n\nThe court cited Hirsi Jamaa and Others\nv. Italy in its ruling (AT).\n")
    assert [s.label_ for s in doc.spans[STATEMENTS]] == ["sentence"]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("2.1b Was it evaluated?", ("2.1b", "Was it evaluated?")),
        ("3.2.b. Do the rules differ?", ("3.2b", "Do the rules differ?")),
        ("1a) Is a permit needed?", ("1a", "Is a permit needed?")),
        ("Question 2a: Is a permit needed?", ("2a", "Is a permit needed?")),
        ("Question 3: Statistics on returns", ("3", "Statistics on returns")),
        ("#### 1.4 Is it applied in practice?", ("1.4", "Is it applied in practice?")),
    ],
)
def test_sub_question_and_labelled_headings(process, heading, expected):
    doc = process(f"Intro.\n\n{heading}\n\nBody sentence (AT).\n")
    assert questions(doc) == [expected]


def test_a_lettered_line_that_asks_is_a_sub_question_and_one_that_does_not_is_a_bullet(process):
    doc = process("2.1 Has it been evaluated?\n\nMost have (AT).\n\n(a) Who evaluated it?\n\n"
                  "The ministry (BE).\n\na) Belgium used auditors (BE);\nb) Austria did not (AT).\n")
    assert questions(doc) == [("2.1", "Has it been evaluated?"), ("2.1a", "Who evaluated it?")]
    assert [(s.label_, s.text) for s in doc.spans[STATEMENTS]][-2:] == [
        ("bullet", "Belgium used auditors (BE);"), ("bullet", "Austria did not (AT).")]


def test_questions_listed_up_front_are_answered_under_short_headings(process):
    doc = process("INTRODUCTION\n\nThe following questions were put to the NCPs:\n\n"
                  "1. Is there a procedure?\n2. Where a procedure exists:\n   a) Which authority decides?\n"
                  "   b) Is legal aid free?\n3. Are there plans?\n\nSUMMARY\n\nQuestion 1\n\nYes (AT, BE).\n\n"
                  "Question 2a\n\nA court (AT).\n\nQ2b)\n\nNo (BE).\n")
    assert questions(doc) == [("1", "Is there a procedure?"), ("2a", "Which authority decides?"),
                              ("2b", "Is legal aid free?"), ("3", "Are there plans?")]
    bodies = {b.label_: " ".join(b.text.split()) for b in doc.spans[QUESTION_BODIES]}
    assert bodies == {"1": "Yes (AT, BE).", "2a": "A court (AT).", "2b": "No (BE)."}


def test_a_sub_questions_label_opening_a_paragraph_of_an_answer_section_answers_it(process):
    doc = process("The questions:\n\n1. Is there a procedure?\n2. Conditions:\n   2a) Is a permit needed?\n"
                  "   2b) Are sectors restricted?\n\n## Question 1\n\nYes (AT).\n\n## Question 2\n\n"
                  "**2a)** A permit is needed (AT, BE).\n\n**2b)** No such restrictions apply in (AT).\n")
    bodies = {b.label_: " ".join(b.text.split()) for b in doc.spans[QUESTION_BODIES]}
    assert bodies["2a"].endswith("A permit is needed (AT, BE).") and bodies["2b"].endswith("apply in (AT).")


def test_a_tables_caption_and_note_below_it_past_a_footnote_are_no_statements(process):
    doc = process("1.1 Is it in law?\n\n| State | Yes |\n|---|---|\n| AT | X |\n\nTable 1: Overview\n\n"
                  "\u00b9 AT, BE.\n\nNote: IE replied late; PL indicated a review.\n\nIt is in law in (BE).\n")
    assert [s.text for s in doc.spans[STATEMENTS]] == ["It is in law in (BE)."]


def test_a_block_heading_ends_the_question_before_it(process):
    doc = process("1.1 Is it in law?\n\nYes (AT).\n\nBlock 2: Practice\n\nSome words (BE).\n\n"
                  "2.1 Is it used?\n\nNo (BE).\n")
    assert [s.text for s in doc.spans[STATEMENTS]] == ["Yes (AT).", "No (BE)."]


def test_tables_their_captions_and_notes_are_no_statements(process):
    doc = process("1. Is it used?\n\nThe replies are shown below (AT).\n\nTable 1: Replies of Belgium\n\n"
                  "| State | Yes | No |\n|---|---|---|\n| AT | X |  |\n| BE |  | X |\n\n"
                  "*Note: Ireland did not reply.*\n\nBelgium explained why (BE).\n")
    assert [s.text for s in doc.spans[STATEMENTS]] == ["The replies are shown below (AT).",
                                                       "Belgium explained why (BE)."]
    (table,) = doc.spans[TABLE_BLOCKS]
    assert table.text.startswith("| State") and table.text.endswith("|  | X |")


def test_a_code_before_a_full_stop_ends_its_sentence(process):
    doc = process("1. Do they?\n\nStatistics are kept by SK and NO. No statistics are kept in AT or SI.\n")
    assert [s.text for s in doc.spans[STATEMENTS]] == ["Statistics are kept by SK and NO.",
                                                       "No statistics are kept in AT or SI."]
