"""One safe cell writer: formula-like text stays text, control characters never break a file."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from gonghui.core import spreadsheets

FORMULA_LIKE = [
    '=HYPERLINK("http://example.com","点这里")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def _roundtrip(values: list, *, write_only: bool = True):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    ws.append(spreadsheets.row(ws, values))
    out = io.BytesIO()
    wb.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).worksheets[0]


@pytest.mark.parametrize("write_only", [True, False])
def test_it_writes_formula_like_text_as_quoted_text(write_only):
    sheet = _roundtrip(FORMULA_LIKE, write_only=write_only)

    cells = list(sheet[1])
    # Exactly as typed, without an apostrophe (a CR is stored as the LF XML reads it as).
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in FORMULA_LIKE]
    for cell in cells:
        assert cell.data_type == "s", cell.value
        assert cell.quotePrefix is True, cell.value  # Excel and WPS keep it text on edit


def test_it_strips_characters_a_spreadsheet_cannot_hold():
    sheet = _roundtrip(["工资\x00没发\x0b", "a\x01\x08\x0c\x0e\x1fb", "换行\r\n和\t制表保留"])

    assert [c.value for c in sheet[1]] == ["工资没发", "ab", "换行\n和\t制表保留"]


def test_it_leaves_ordinary_values_alone():
    moment = datetime(2026, 11, 22, 14, 30)
    sheet = _roundtrip(["望京驿站", 42, 0.5, date(2026, 11, 22), moment, None, "3-2班"])

    a, n, f, d, m, empty, text = sheet[1]
    assert (a.value, a.quotePrefix) == ("望京驿站", False)
    assert (n.value, f.value) == (42, 0.5)
    assert d.value == datetime(2026, 11, 22) and m.value == moment
    assert m.number_format == "yyyy-mm-dd hh:mm"
    assert empty.value is None
    assert (text.value, text.quotePrefix) == ("3-2班", False)


def test_it_tells_formula_like_text():
    assert all(spreadsheets.is_formula_like(v) for v in FORMULA_LIKE)
    assert not any(spreadsheets.is_formula_like(v) for v in ["工资", "1+1", " =1", ""])
    assert spreadsheets.clean_text("a\r\nb\rc") == "a\nb\nc"
