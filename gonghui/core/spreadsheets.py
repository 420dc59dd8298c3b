"""Cells for every Excel file we write: user text stays text, and no character breaks a file.

Two things go wrong when a worker's or a staff member's text lands in a spreadsheet:

- **Formula injection.** Text that starts with ``=`` would be stored by openpyxl as a
  formula, and text that starts with ``+``, ``-``, ``@``, a tab or a CR is read as one
  by Excel and WPS when the reader edits the cell (or when the sheet is saved as CSV
  and opened again). Such a cell is written as a string **with the quote prefix**
  (``quotePrefix`` in the cell's style): this is what Excel itself stores when a person
  types a leading apostrophe. Excel, WPS and LibreOffice show the text exactly as typed,
  without an apostrophe, and keep it text when the cell is edited. Writing a literal
  ``'`` instead would show the apostrophe in every xlsx reader, since only CSV readers
  drop it.
- **Characters XML cannot hold.** openpyxl refuses C0 control characters other than
  tab, LF and CR; one ``\\x00`` or ``\\x0b`` in one appeal used to break the whole
  export for every scope that included it. They are removed.

Every workbook writer goes through ``cell``/``row`` (docs/decisions.md).
"""

import re
from collections.abc import Iterable
from datetime import datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# The characters openpyxl refuses (its ILLEGAL_CHARACTERS_RE), written out so that the
# rule is ours: C0 controls except tab (\x09), LF (\x0a) and CR (\x0d).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A leading LF counts too: a CR is stored as LF (below), and the cell must stay quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: str) -> str:
    """Return ``value`` without the control characters a spreadsheet cannot hold.

    CR (alone or before LF) becomes LF: XML readers turn it into LF anyway, so writing
    it as LF makes the file read back as written.
    """
    return CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet would read this text as a formula (or could on editing)."""
    return value.startswith(FORMULA_STARTS)


def cell(ws, value, *, bold: bool = False, number_format: str | None = None):
    """Return a cell for ``ws`` (write-only or not) holding ``value`` safely.

    Text is cleaned and, when formula-like, typed as a string with the quote prefix;
    numbers, dates and None are written as they are.
    """
    if isinstance(value, str):
        value = clean_text(value)
    out = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and is_formula_like(value):
        out.data_type = "s"
        out.quotePrefix = True
    if number_format:
        out.number_format = number_format
    elif isinstance(value, datetime):
        out.number_format = "yyyy-mm-dd hh:mm"
    if bold:
        out.font = Font(bold=True)
    return out


def row(
    ws,
    values: Iterable,
    *,
    bold: bool = False,
    formats: dict[int, str] | None = None,
) -> list:
    """Return the cells of one row; ``formats`` maps column index to a number format."""
    formats = formats or {}
    return [
        cell(ws, value, bold=bold, number_format=formats.get(i)) for i, value in enumerate(values)
    ]
