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
    ],
)
def test_statement_lists_carry_no_item(process, sentence):
    assert all(item == "" for _, item in items(process(summary(sentence))))
