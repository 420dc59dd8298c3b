"""The one normaliser of text that enters the system, at the edge (API parser, page forms).

Control characters other than tab, line feed and carriage return have no meaning in
anything a person types, and they break what reads our data later: ``\\x00`` cannot be
stored in a PostgreSQL text column, ``\\x0b`` makes an Excel export unreadable, and XML
(Open311) forbids both. They are removed. A lone UTF-16 surrogate (``"\\ud800"`` in JSON)
is not text at all and cannot be encoded for the database, so a request that carries one
is refused rather than silently changed.
"""

import re
import unicodedata
from typing import Annotated, Any, Literal

from django.db import models
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from gonghui.core.errors import ServiceError

# C0 controls except \t \n \r, DEL, the C1 controls, and the two non-characters XML forbids.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# Integers the database can hold (PostgreSQL bigint); ids and counts never come near them.
MAX_INT = 2**63 - 1

# An id in a query parameter: one the database could hold, else a 422 (not an empty answer).
DbInt = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]


# Dates a person can mean: far enough either way for any record, near enough that adding
# a span (a 90-day window, working days) never overflows Python's date range.
YEAR_MIN = 1900
YEAR_MAX = 2199


def year_in_range(year: int) -> bool:
    """Return whether ``year`` lies in the range of dates the system accepts."""
    return YEAR_MIN <= year <= YEAR_MAX


def half_width(value: str) -> str:
    """Return ``value`` with full-width forms (``１３８``, ``＋``, the ideographic space) as
    their ASCII letters and digits: what a Chinese keyboard in full-width mode types into a
    phone, code or ID field. For number-like fields only; free text keeps its forms."""
    return unicodedata.normalize("NFKC", value or "")


class InvalidText(ServiceError):
    status = 422


def clean_text(value: str, *, refuse_surrogates: bool = True) -> str:
    """Return ``value`` without control characters; refuse a lone surrogate (422).

    Page forms are decoded with replacement characters and cannot carry a surrogate;
    they pass ``refuse_surrogates=False`` and any that appear are dropped.
    """
    if _SURROGATE.search(value):
        if not refuse_surrogates:
            value = _SURROGATE.sub("", value)
            return CONTROL_CHARS.sub("", value)
        raise InvalidText(
            _("请求中含有无法识别的字符（不成对的代理字符），请检查后重新输入。"),
            code="invalid_characters",
        )
    return CONTROL_CHARS.sub("", value)


def clean_data(data: Any) -> Any:
    """Return decoded JSON (or a query's values) with every string passed through clean_text.

    Keys are cleaned too: a key is text the client chose.
    """
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {clean_data(k): clean_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [clean_data(v) for v in data]
    if isinstance(data, int) and not isinstance(data, bool) and abs(data) > MAX_INT:
        # A JSON number no column can hold: refused here instead of failing in the database.
        raise InvalidText(
            _("数值超出允许范围（%(value).20s…）。") % {"value": str(data)}, code="out_of_range"
        )
    return data


def choice_values(choices: type[models.TextChoices], *, blank: bool = False) -> tuple[str, ...]:
    """Return the stored values of ``choices`` (with ``""`` first when ``blank``)."""
    values = tuple(str(v) for v in choices.values)
    return ("", *values) if blank else values


def choice(choices: type[models.TextChoices], *, blank: bool = False) -> Any:
    """Return a ``Literal`` of the values of ``choices``: an enum in the OpenAPI schema.

    A refused value is answered with the list of valid ones (see ``gonghui.api``).
    """
    return Literal[choice_values(choices, blank=blank)]


def choice_out(choices: type[models.TextChoices], *, blank: bool = False) -> Any:
    """Return ``str`` documented as an enum of ``choices``, for answers.

    Answers are not re-validated against the enum (one odd stored value must not turn a
    whole list into a 500); the contract tests check the documented enum instead.
    """
    return Annotated[
        str, Field(json_schema_extra={"enum": list(choice_values(choices, blank=blank))})
    ]
