"""XLSForm import: every supported type read, anything else refused by sheet, row and
column; the server-side logic at submit (relevance drops answers, constraints and
required checked, choice filters applied)."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.surveys import forms, xlsform
from gonghui.surveys.testing import FULL_FORM_CHOICES, FULL_FORM_ROWS, make_xlsx

GOOD = {
    "district": "cy",
    "street": "wj",
    "age": 30,
    "has_need": "yes",
    "kinds": ["housing", "other"],
    "other": "托育",
    "hours": 9.5,
    "since": "2020-01-01",
    "prio": ["rest", "pay", "safety"],
    "phone": "13800000000",
}


@pytest.fixture(scope="module")
def definition():
    return xlsform.parse_xlsform(make_xlsx(FULL_FORM_ROWS, FULL_FORM_CHOICES))


def _errors(data: bytes) -> list[dict]:
    with pytest.raises(xlsform.ImportErrors) as exc:
        xlsform.parse_xlsform(data)
    return exc.value.errors


def test_it_reads_every_supported_type(definition):
    types = {q["name"]: q["type"] for q in definition["questions"]}
    assert types == {
        "intro": "note",
        "district": "select_one",
        "street": "select_one",
        "age": "integer",
        "has_need": "select_one",
        "kinds": "select_multiple",
        "other": "text",
        "hours": "decimal",
        "since": "date",
        "prio": "rank",
        "overtime": "calculate",
        "phone": "text",
    }
    age = next(q for q in definition["questions"] if q["name"] == "age")
    assert age["label"] == "年龄" and age["required"] == "true()"
    assert age["groups"] == ["basic"]
    assert [g["name"] for g in definition["groups"]] == ["basic", "needs"]
    assert definition["choices"]["street"][0] == {"name": "wj", "label": "望京", "district": "cy"}


def test_it_stores_a_full_answer_with_its_calculation(definition):
    stored = forms.clean_answers(definition, GOOD)
    assert stored["overtime"] == "yes"
    assert stored["kinds"] == ["housing", "other"] and stored["other"] == "托育"
    assert "intro" not in stored


def test_it_drops_answers_to_questions_that_are_not_relevant(definition):
    answers = GOOD | {"has_need": "no", "age": 17}
    stored = forms.clean_answers(definition, answers)
    # The "needs" group is hidden: its answers are dropped; the phone needs age >= 18.
    assert "kinds" not in stored and "other" not in stored and "phone" not in stored
    # A question the form does not have is dropped too.
    assert "salary" not in forms.clean_answers(definition, GOOD | {"salary": 1})


def test_it_drops_the_other_text_when_other_is_not_selected(definition):
    stored = forms.clean_answers(definition, GOOD | {"kinds": ["housing"]})
    assert "other" not in stored


@pytest.mark.parametrize(
    "change,field",
    [
        ({"age": 12}, "age"),
        ({"age": "abc"}, "age"),
        ({"age": True}, "age"),
        ({"kinds": ["housing", "training", "other"]}, "kinds"),
        ({"kinds": ["nope"]}, "kinds"),
        ({"other": "长" * 51}, "other"),
        ({"hours": 30}, "hours"),
        ({"hours": "nan"}, "hours"),
        ({"since": "2999-01-01"}, "since"),
        ({"since": "not a date"}, "since"),
        ({"prio": ["pay", "rest"]}, "prio"),
        ({"phone": "12345"}, "phone"),
        ({"street": "zgc"}, "street"),  # choice_filter: 中关村 is not in 朝阳
        ({"district": None}, "district"),  # required
        ({"kinds": []}, "kinds"),  # required inside a relevant group
    ],
)
def test_it_refuses_a_broken_constraint_or_a_missing_answer(definition, change, field):
    with pytest.raises(ValidationError) as exc:
        forms.clean_answers(definition, GOOD | change)
    assert field in exc.value.message_dict


def test_it_applies_a_constraint_message(definition):
    with pytest.raises(ValidationError) as exc:
        forms.clean_answers(definition, GOOD | {"age": 90})
    assert exc.value.message_dict["age"] == ["年龄应在16到70之间"]


def test_it_keeps_the_chinese_label_over_the_default():
    data = make_xlsx(
        [["text", "q", "Question", "问题"]], header=["type", "name", "label", "label::中文 (zh)"]
    )
    assert xlsform.parse_xlsform(data)["questions"][0]["label"] == "问题"


@pytest.mark.parametrize(
    "rows,row,column,needle",
    [
        ([["text", "a", "A"], ["geopoint", "where", "位置"]], 3, "A", "geopoint"),
        ([["begin_repeat", "r", "重复"]], 2, "A", "begin_repeat"),
        ([["select_one yn or_other", "x", "X"]], 2, "A", "or_other"),
        ([["select_one missing", "x", "X"]], 2, "A", "missing"),
        ([["text", "a", "A"], ["text", "a", "A again"]], 3, "B", "重复"),
        ([["text", "1bad", "A"]], 2, "B", ""),
        ([["text", "a", "A"], ["text", "b", "B", "pulldata('x')"]], 3, "D", "pulldata"),
        ([["text", "b", "B", "${nope} = 1"]], 2, "D", "nope"),
        ([["text", "b", "B", "unknown_word = 1"]], 2, "D", "unknown_word"),
        ([["calculate", "c", ""]], 2, "A", "calculate"),
        ([["end_group", "", ""]], 2, "A", "end_group"),
    ],
)
def test_it_refuses_an_unsupported_row_by_number(rows, row, column, needle):
    errors = _errors(
        make_xlsx(rows, [["yn", "yes", "是", ""]], header=["type", "name", "label", "relevant"])
    )
    assert any(
        e["sheet"] == "survey"
        and e["row"] == row
        and e["column"] == column
        and needle in e["message"]
        for e in errors
    ), errors


def test_it_refuses_an_unsupported_column_and_sheet():
    data = make_xlsx(
        [["text", "a", "A", "x"]],
        header=["type", "name", "label", "appearance"],
        extra_sheets={"entities": [["list_name"], ["people"]]},
    )
    errors = _errors(data)
    assert {
        "sheet": "survey",
        "row": 1,
        "column": "D",
        "message": "不支持的列“appearance”。",
    } in errors
    assert any(e["sheet"] == "entities" for e in errors)


def test_it_refuses_a_settings_column_it_does_not_read():
    errors = _errors(
        make_xlsx(
            [["text", "a", "A"]],
            header=["type", "name", "label"],
            settings={"form_title": "t", "submission_url": "http://x"},
        )
    )
    assert errors[0]["sheet"] == "settings" and errors[0]["column"] == "B"


def test_it_refuses_what_is_not_a_workbook():
    assert _errors(b"not a zip")[0]["message"]
    assert _errors(b"x" * (xlsform.MAX_BYTES + 1))


def test_it_reports_pyxform_own_checks():
    # A choice list naming one option twice: ours reads it, pyxform's checks refuse it.
    data = make_xlsx(
        [["select_one yn", "a", "A"]],
        [["yn", "yes", "是", ""], ["yn", "yes", "对", ""]],
        header=["type", "name", "label"],
    )
    errors = _errors(data)
    assert errors[0]["sheet"] == "choices" and errors[0]["row"] == 3
