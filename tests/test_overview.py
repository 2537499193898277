"""Overview tables: each cell a response, in every way summaries lay their tables out."""


from pipeline.overview import TABLE_COUNTRIES


def summary_with(table: str, question: str = "1.1 Does your State apply it?", after: str = "") -> str:
    return (f"Summary of EMN Ad-Hoc Query No. 77 from 2 May 2022\n\nA query\n\n{question}\n\n"
            f"The replies are shown below.\n\n{table}\n\n{after}")


def rows(doc):
    return sorted((r.question_id, r.country, r.stance, r.item) for r in doc._.table_responses)


def test_answer_columns_give_the_answer_their_mark_stands_in(process):
    doc = process(summary_with("| Member State | Yes | No | No information |\n|---|---|---|---|\n"
                               "| AT | X |  |  |\n| BE |  | x |  |\n| Czechia |  |  | \u2713 |"))
    assert rows(doc) == [("1.1", "AT", "yes", ""), ("1.1", "BE", "no", ""), ("1.1", "CZ", "no_information", "")]


def test_a_plain_text_table_aligned_with_spaces_is_read_by_its_columns(process):
    doc = process(summary_with("Table 1: Replies\n\nState       Yes    No\nAT           X\nBE                  X\n"
                               "Czechia      X\nLU\nNL           X"))
    assert rows(doc) == [("1.1", "AT", "yes", ""), ("1.1", "BE", "no", ""), ("1.1", "CZ", "yes", ""),
                         ("1.1", "NL", "yes", "")]
    assert [(r.country, r.evidence, r.mention_type) for r in doc._.table_responses][0] == ("AT", "AT | X | ", "table")


def test_a_rule_under_an_indented_plain_text_header_belongs_to_the_table(process):
    doc = process(summary_with("    State        Yes        No\n    ----------------------------\n"
                               "    AT           X\n    BE                      X\n    CZ           X"))
    assert rows(doc) == [("1.1", "AT", "yes", ""), ("1.1", "BE", "no", ""), ("1.1", "CZ", "yes", "")]


def test_prose_with_double_spaces_is_no_table(process):
    doc = process(summary_with("Austria applies it.  Belgium does not (BE).\nThe rule is old and it is applied\n"
                               "whenever a question of principle arises in the procedure of the courts.\n"
                               "It is, in all respects, what Member States call a rule of the procedure."))
    assert rows(doc) == [] and not doc.spans["emn_table_blocks"]


def test_practice_columns_give_their_header_as_the_item(process):
    doc = process(summary_with("| Country | Reporting | Bail |\n|---|---|---|\n| Austria | \u2713 | \u2717 |\n"
                               "| Belgium | n/a |  |\n| Republic of Moldova | Yes, for minors | \u2013 |"))
    assert rows(doc) == [("1.1", "AT", "no", "Bail"), ("1.1", "AT", "yes", "Reporting"),
                         ("1.1", "BE", "no_information", "Reporting"), ("1.1", "MD", "no", "Bail"),
                         ("1.1", "MD", "yes", "Reporting")]


def test_question_columns_give_the_question(process):
    doc = process(summary_with("| State | Q1 | 2.1b | Question 3 |\n|---|---|---|---|\n"
                               "| AT | Yes | No | No information |\n| BE | Not applicable | ? | Yes (restricted) |"))
    assert rows(doc) == [("1", "AT", "yes", ""), ("1", "BE", "no", ""), ("2.1b", "AT", "no", ""),
                         ("2.1b", "BE", "no_information", ""), ("3", "AT", "no_information", ""),
                         ("3", "BE", "yes", "")]


def test_a_column_headed_by_a_questions_text_gives_that_question(process):
    doc = process(summary_with("| State | Does your State apply it? |\n|---|---|\n| AT | No |\n| BE | Yes |",
                               question="2.3 Does your State apply it?"))
    assert rows(doc) == [("2.3", "AT", "no", ""), ("2.3", "BE", "yes", "")]


def test_each_row_keeps_its_provenance(process):
    doc = process(summary_with("| Member State | Yes | No |\n|---|---|---|\n| AT | X |  |\n| BE |  | X |"))
    (first, second) = doc._.table_responses
    assert doc.text[first.start:first.end] == "AT" and first.evidence == "AT | X | "
    assert [s.text for s in doc.spans[TABLE_COUNTRIES]] == ["AT", "BE"]


def test_a_row_split_by_a_page_break_is_joined_and_a_repeated_header_skipped(process):
    doc = process(summary_with("| State | Measures |\n|---|---|\n| AT | Reporting to the police, |\n"
                               "|  | and bail |\n| State | Measures |\n| BE | none |"))
    (austria, belgium) = sorted(doc._.table_responses, key=lambda r: r.country)
    assert (austria.stance, austria.evidence) == ("yes", "AT | Reporting to the police, and bail")
    assert belgium.stance == "no"


def test_a_table_that_names_no_country_is_reported_not_dropped(process):
    doc = process(summary_with("| Year | Applications |\n|---|---|\n| 2019 | 120 |\n| 2020 | 95 |"))
    assert doc._.table_responses == ()
    assert [t.reason for t in doc._.unread_tables] == ["no column of the table names a country in most of its 2 rows"]
    assert [f.kind for f in doc._.findings if f.kind == "table_unread"] == ["table_unread"]


def test_a_row_that_names_no_country_is_reported(process):
    doc = process(summary_with("| State | Yes |\n|---|---|\n| AT | X |\n| BE | X |\n| EU average | X |"))
    assert [r.country for r in doc._.table_responses] == ["AT", "BE"]
    assert [t.reason for t in doc._.unread_tables] == ["row 'EU average' names no country"]


def test_comment_columns_give_no_response(process):
    doc = process(summary_with("| State | Yes | Comments |\n|---|---|---|\n| AT | X | since 2019 |"))
    assert rows(doc) == [("1.1", "AT", "yes", "")]


def test_a_compilations_table_of_replies_is_left_to_the_replies_stage(process):
    doc = process(summary_with("| Country | Wider Dissemination | Response |\n|---|---|---|\n"
                               "| Austria | Yes | 1. Yes |"))
    assert doc._.table_responses == () and doc._.unread_tables == ()


def test_table_rows_reach_the_responses_table(process):
    from pipeline.export.tables import extract

    doc = process(summary_with("| Member State | Yes | No |\n|---|---|---|\n| AT | X |  |"))
    (row,) = [r for r in extract(doc, "d").responses if r[6] == "table"]
    assert row[2:9] == ("1.1", "AT", "yes", "", "table", "AT | X | ", row[8])
