"""A programme's rules as data, and the pure checks over them.

Rules live in ``Programme.rules`` (JSON) so a union can change its checklist, bands
and caps without a release. ``missing_items`` is a pure function of (rules, facts,
uploaded material codes): the H5 page, submit and every return call the same one,
so the worker, the reviewer and the API always see the same list. Nothing here reads
the database (the benchmark runs it in a loop).

Shape::

    {
      "eligible": ["member"],                      # who may apply (Eligibility values)
      "facts": {"employed": "bool", "out_of_pocket": "money", ...},
      "materials": [{"code", "name", "required_if"?: {"employed": true}}],
      "bands": [{"from": 0, "to": 20000, "amount": 2000}, ...],   # out_of_pocket bands
      "cap_per_year": 10000, "cutoff": "12-15", "warn_days": 15,
      "stage_days": {"grassroots": 5, "street": 5, "district": 7}, "publicity_days": 5
    }

``required_if`` is a mapping fact -> value; the item is required when every fact has
that value (no ``required_if``: always required).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FACT_TYPES = ("bool", "money", "int", "text")
MAX_MONEY = Decimal("10000000")


@dataclass(frozen=True)
class Material:
    code: str
    name: str
    required_if: dict | None = None


def materials(rules: dict) -> list[Material]:
    return [
        Material(m["code"], m["name"], m.get("required_if") or None)
        for m in rules.get("materials", [])
    ]


def material_codes(rules: dict) -> set[str]:
    return {m["code"] for m in rules.get("materials", [])}


def required(material: Material, facts: dict) -> bool:
    if not material.required_if:
        return True
    return all(facts.get(k) == v for k, v in material.required_if.items())


def missing_items(rules: dict, facts: dict, uploaded, returned=()) -> list[dict]:
    """Return the required materials not yet uploaded (or sent back to redo), in the
    programme's order, as ``[{"code", "name"}]``."""
    have = set(uploaded) - set(returned)
    out = []
    for m in rules.get("materials", []):
        cond = m.get("required_if")
        if cond and not all(facts.get(k) == v for k, v in cond.items()):
            continue
        if m["code"] not in have:
            out.append({"code": m["code"], "name": m["name"]})
    return out


def clean_facts(rules: dict, facts: dict | None) -> dict:
    """Return the facts typed as the programme declares them; refuse unknown or bad ones."""
    declared = rules.get("facts", {})
    clean: dict = {}
    for key, value in (facts or {}).items():
        kind = declared.get(key)
        if kind is None:
            raise ValidationError(
                _("本项目没有“%(fact)s”这一项情况，请核对。") % {"fact": key}, code="unknown_fact"
            )
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValidationError(
                    _("“%(fact)s”应填“是”或“否”。") % {"fact": key}, code="invalid_fact"
                )
            clean[key] = value
        elif kind in ("money", "int"):
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError) as exc:
                raise ValidationError(
                    _("“%(fact)s”应填数字。") % {"fact": key}, code="invalid_fact"
                ) from exc
            if isinstance(value, bool) or not number.is_finite():
                raise ValidationError(
                    _("“%(fact)s”应填数字。") % {"fact": key}, code="invalid_fact"
                )
            if number < 0 or number > MAX_MONEY:
                raise ValidationError(
                    _("“%(fact)s”不能为负数或超过一千万。") % {"fact": key},
                    code="invalid_amount",
                )
            clean[key] = str(number.quantize(Decimal("0.01"))) if kind == "money" else int(number)
        else:
            clean[key] = str(value)[:500]
    return clean


def band_amount(rules: dict, facts: dict) -> Decimal:
    """Return the relief amount for the facts' out-of-pocket cost (0 outside every band)."""
    cost = Decimal(str(facts.get("out_of_pocket") or 0))
    for band in rules.get("bands", []):
        low = Decimal(str(band["from"]))
        high = Decimal(str(band["to"])) if band.get("to") is not None else None
        if cost >= low and (high is None or cost < high):
            return Decimal(str(band["amount"]))
    return Decimal("0")


def capped_amount(rules: dict, amount: Decimal, already: Decimal) -> Decimal:
    """Return ``amount`` limited by the yearly cap, given what the person already got."""
    cap = rules.get("cap_per_year")
    if cap is None:
        return amount
    return max(Decimal("0"), min(amount, Decimal(str(cap)) - already))


def cutoff(rules: dict, year: int) -> date | None:
    text = rules.get("cutoff")
    if not text:
        return None
    month, day = (int(p) for p in text.split("-"))
    return date(year, month, day)


def validate_rules(rules: dict) -> None:
    """Refuse rules a checklist could not be computed from (on save of a programme)."""
    codes = set()
    facts = rules.get("facts", {})
    for kind in facts.values():
        if kind not in FACT_TYPES:
            raise ValidationError(f"unknown fact type {kind!r}", code="invalid_rules")
    for m in rules.get("materials", []):
        if not m.get("code") or not m.get("name") or m["code"] in codes:
            raise ValidationError(
                "each material needs a unique code and a name", code="invalid_rules"
            )
        codes.add(m["code"])
        for key in m.get("required_if") or {}:
            if key not in facts:
                raise ValidationError(
                    f"required_if names unknown fact {key!r}", code="invalid_rules"
                )
