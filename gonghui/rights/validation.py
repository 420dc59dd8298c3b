"""Parse and check what staff send for a case, before anything is stored (422 on error)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from gonghui.core import pii
from gonghui.rights.choices import ClaimKind

MAX_AMOUNT = Decimal("100000000")  # 1亿元: beyond that it is a typing error, not a claim


def invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def amount(value, field: str = "amount", *, allow_zero: bool = False) -> Decimal:
    """Return a yuan amount with at most two decimals; refuse negatives and non-numbers."""
    if isinstance(value, bool) or value is None or value == "":
        raise invalid(field, _("金额必须是数字（元）。"), "invalid_amount")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise invalid(field, _("金额必须是数字（元）。"), "invalid_amount") from exc
    if not number.is_finite():
        raise invalid(field, _("金额必须是数字（元）。"), "invalid_amount")
    if number < 0 or (number == 0 and not allow_zero):
        raise invalid(field, _("金额必须大于零。"), "invalid_amount")
    if number > MAX_AMOUNT:
        raise invalid(field, _("金额过大，请核对。"), "invalid_amount")
    if number != number.quantize(Decimal("0.01")):
        raise invalid(field, _("金额最多保留两位小数（分）。"), "invalid_amount")
    return number.quantize(Decimal("0.01"))


def claim_kind(value, field: str = "kind") -> str:
    if value not in ClaimKind.values:
        raise invalid(
            field,
            _("未知的请求事项：%(kind)s。可选：%(kinds)s。")
            % {"kind": value, "kinds": "、".join(ClaimKind.values)},
            "invalid_claim_kind",
        )
    return value


def items(rows, field: str = "claims", *, allow_zero: bool = False) -> dict[str, Decimal]:
    """Return kind → amount for claim items; each kind at most once, at least one item."""
    if not rows:
        raise invalid(field, _("请至少填写一项请求事项和金额。"), "claims_required")
    if not isinstance(rows, list | tuple):
        raise invalid(field, _("请求事项须是事项和金额的列表。"), "invalid_claims")
    out: dict[str, Decimal] = {}
    for i, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        kind = claim_kind(row.get("kind"), f"{field}.{i}.kind")
        if kind in out:
            raise invalid(
                f"{field}.{i}.kind", _("同一请求事项只能填写一次。"), "duplicate_claim_kind"
            )
        out[kind] = amount(row.get("amount"), f"{field}.{i}.amount", allow_zero=allow_zero)
    return out


def credit_code(value: str | None, field: str = "employer.uscc") -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    try:
        return uscc_std.validate(value)
    except StdnumError as exc:
        raise invalid(field, _("统一社会信用代码无效，请核对18位代码。"), "invalid_uscc") from exc


def text(value, field: str, *, limit: int, required: bool, message: str = "") -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise invalid(field, message or _("此项必填。"), f"{field.split('.')[-1]}_required")
    if len(value) > limit:
        raise invalid(field, _("内容过长（最多%(limit)d个字）。") % {"limit": limit}, "too_long")
    return value


def past_date(value: date | None, field: str, *, today: date) -> date | None:
    if value is not None and value > today:
        raise invalid(field, _("日期不能晚于今天。"), "date_in_future")
    return value


@dataclass
class Person:
    name: str
    phone: str
    id_number: str
    representative: bool = False


def person(row, field: str) -> Person:
    row = row if isinstance(row, dict) else {}
    name = text(
        row.get("name"), f"{field}.name", limit=40, required=True, message=_("请填写申请人姓名。")
    )
    try:
        phone = pii.normalize_phone(str(row.get("phone") or ""))
    except ValidationError as exc:
        raise invalid(f"{field}.phone", exc.messages[0], "invalid_phone") from exc
    id_number = ""
    if row.get("id_number"):
        try:
            id_number = pii.normalize_id_number(str(row["id_number"]))
        except ValidationError as exc:
            raise invalid(f"{field}.id_number", exc.messages[0], "invalid_id_number") from exc
    return Person(name, phone, id_number, bool(row.get("representative")))
