"""Normalisation keeps offsets: markup is blanked in place, bold and footnotes become spans."""

from pipeline.normalize import BOLD, FOOTNOTES, MARKUP
from pipeline.stance import RESPONSES


def test_bold_markup_blanked_in_place_and_kept_as_bold(process):
    doc = process("Three States (**EE, FR** and **SE**) do not.")
    assert len(doc._.clean_text) == len(doc.text)
    assert "*" not in doc._.clean_text
    assert [s.text for s in doc.spans[BOLD]] == ["EE, FR", "SE"]
    assert doc._.clean_text.index("EE") == doc.text.index("EE")


def test_link_markup_keeps_its_label(process):
    doc = process("reference to the [Budapest Convention](#) was made")
    assert "Budapest Convention" in doc._.clean_text
    assert "[" not in doc._.clean_text and "(#)" not in doc._.clean_text


def test_review_comments_and_page_numbers_are_artefacts(process):
    text = "First line.\n\nFormatted: Font: Bold\n\nPage 3 of 5\n\n12\n\nLast line."
    doc = process(text)
    assert "Formatted" not in doc._.clean_text
    assert "Page 3" not in doc._.clean_text
    assert "12" not in doc._.clean_text
    assert any(s.text.startswith("Formatted") for s in doc.spans[MARKUP])


def test_footnote_marker_blanked_footnote_kept_out_of_body(process):
    text = "It is based on 3 Member States.\u00b2\n\n\u00b2 AT, BE, CZ.\n\nsocial media companies."
    doc = process(text)
    assert "States. " in doc._.clean_text  # the marker is gone, the stop stays
    assert [s.text for s in doc.spans[FOOTNOTES]] == ["\u00b2 AT, BE, CZ."]
    assert "AT, BE" in doc._.clean_text and "AT, BE" not in doc._.body_text


def test_superscript_marker_is_its_own_token(nlp):
    assert [t.text for t in nlp.make_doc("States.\u00b9")] == ["States", ".", "\u00b9"]


def test_footnotes_in_plain_digits_pair_with_their_markers(process):
    doc = process("1. INTRODUCTION\n\nResponses came from 3 States in total.1 Some respondents2 use it.\n\n"
                  "1 AT, BE and CZ.\n\n2 AT and BE.\n\n3.1. Do States use it?\n\nYes (AT).\n")
    assert [s.text for s in doc.spans[FOOTNOTES]] == ["1 AT, BE and CZ.", "2 AT and BE."]
    assert "total. Some respondents use it." in " ".join(doc._.clean_text.split())


def test_numbered_lines_without_a_marker_are_no_footnotes(process):
    text = ("Q1. Does your State have a procedure laid down in\nlaw?\n\nA procedure entered into force on\n"
            "1 October 2021.\n\n1 INTRODUCTION\n")
    doc = process(text)
    assert list(doc.spans[FOOTNOTES]) == []
    assert doc._.clean_text == text


def test_a_repeated_running_header_is_blanked_and_a_paragraph_runs_on(process):
    header = "EMN Ad-Hoc Query No. 6117 \u2013 Resettlement"
    text = (f"{header}\n\n3.1. Do States resettle?\n\nTwo States (AT, BE) stated that refugees have access to\n\n"
            f"Page 1 of 2\n\f{header}\n\nthe same measures. Two other States (CY, CZ) ended at the time of reply.\n\n"
            f"Page 2 of 2\n\f{header}\n\nThey did so at the\ntime of reply.\n")
    doc = process(text)
    assert doc._.clean_text.count(header) == 1  # the title at the top stays
    assert "time of reply." in doc._.clean_text.split("They did so")[1]  # a repeated line ending a sentence stays
    assert [s._.stance for s in doc.spans[RESPONSES]] == ["yes"] * 4


def test_a_lists_bracket_and_the_colon_after_it_are_two_tokens(nlp):
    assert [t.text for t in nlp.make_doc("States (AT, BE): in AT")][5:8] == [")", ":", "in"]

