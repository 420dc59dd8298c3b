"""The conflict check (利益冲突审查) of a legal-aid assignment: has the lawyer, or the
union itself, acted for the adverse employer?

Identifier first: the employer's credit code against every declared engagement and
past case. Then the name, normalised (北京, （北京）, 有限公司 and the like, spaces and
full-width forms taken out) and compared exactly, by pinyin (同音 spellings) and, for
names long enough to carry meaning, by fuzzy ratio. An 80 % similarity is meaningless
for the 2–3 characters of a person's or a small shop's name (张伟 and 张纬 are two
people), so short names match only exactly or by pinyin.

The exact lookups are index queries; the fuzzy pass runs over an in-process list of
the normalised names (rebuilt when the ``rights.parties`` generation moves).
"""

import math
import re
import unicodedata
from dataclasses import asdict, dataclass

from django.db.models import Q
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from gonghui.core.generations import ProcessCache, bump
from gonghui.rights.models import Party

GENERATION = "rights.parties"
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 88.0
# Longest first: "股份有限公司" before "有限公司" before "公司".
SUFFIXES = (
    "集团股份有限公司",
    "集团有限责任公司",
    "集团有限公司",
    "股份有限公司",
    "股份公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "公司",
    "集团",
)
_BRACKETED_PLACE = re.compile(r"\((北京市?|中国)\)")
_LEADING_PLACE = re.compile(r"^(北京市|北京)")
_PUNCT = re.compile(r"[\s()\[\]{}·.,，。、\-_/\\'\"“”‘’]+")


def normalise(name: str) -> str:
    """Return the comparable core of a party name: 北京京东世纪贸易有限公司 → 京东世纪贸易,
    京东（北京）有限公司 → 京东."""
    text = unicodedata.normalize("NFKC", name or "").lower()  # full-width → half-width
    text = re.sub(r"\s+", "", text)
    text = _BRACKETED_PLACE.sub("", text)
    text = _LEADING_PLACE.sub("", text)
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return _PUNCT.sub("", text)


def pinyin_of(norm: str) -> str:
    return "".join(lazy_pinyin(norm))[:400]


@dataclass(frozen=True)
class Match:
    party_id: int
    party_name: str
    party_uscc: str
    lawyer_id: int | None
    source: str
    case_ref: str
    basis: str  # uscc | name | pinyin | fuzzy
    score: float

    def as_dict(self) -> dict:
        return asdict(self)


def _build_index() -> dict[int, tuple[list[str], list[int], list[int | None]]]:
    """Group the normalised names by length: a ratio of FUZZY_CUTOFF is reachable only
    between names of nearly the same length, so a check compares a few buckets."""
    buckets: dict[int, tuple[list[str], list[int], list[int | None]]] = {}
    for norm, pk, lawyer in Party.objects.values_list("norm", "pk", "lawyer_id").iterator(
        chunk_size=20_000
    ):
        names, pks, lawyers = buckets.setdefault(len(norm), ([], [], []))
        names.append(norm)
        pks.append(pk)
        lawyers.append(lawyer)
    return buckets


def _lengths(n: int) -> range:
    """Lengths m with 2·min(n, m) / (n + m) ≥ FUZZY_CUTOFF (Indel ratio's upper bound)."""
    c = FUZZY_CUTOFF / 100
    return range(math.ceil(n * c / (2 - c)), math.floor(n * (2 - c) / c) + 1)


_index: ProcessCache = ProcessCache(GENERATION, _build_index)


def add_party(*, name: str, uscc: str = "", source: str, lawyer=None, case_ref: str = "") -> Party:
    """Register a party acted for (call inside the writing transaction)."""
    norm = normalise(name)
    party = Party.objects.create(
        source=source,
        lawyer=lawyer,
        name=name[:150],
        uscc=uscc,
        norm=norm[:150],
        pinyin=pinyin_of(norm),
        case_ref=case_ref[:40],
    )
    bump(GENERATION)
    return party


def check(*, name: str, uscc: str = "", lawyer_id: int | None = None) -> list[Match]:
    """Return the parties acted for that the adverse ``name``/``uscc`` may be: those of
    the lawyer ``lawyer_id`` and of the union's own cases (no lawyer), or, with no
    lawyer given, of everyone. Strongest basis first, one match per party."""
    norm = normalise(name)
    found: dict[int, Match] = {}
    fields = ("pk", "name", "uscc", "lawyer_id", "source", "case_ref", "norm")
    # One query for the exact bases (PostgreSQL ORs the three indexes).
    exact = Q(pk__in=[])
    if uscc:
        exact |= Q(uscc=uscc)
    key = pinyin_of(norm) if norm else ""
    if norm:
        exact |= Q(norm=norm) | Q(pinyin=key)
    mine = Q(lawyer__isnull=True) | Q(lawyer_id=lawyer_id) if lawyer_id is not None else Q()
    rows = Party.objects.filter(exact).filter(mine).values_list(*fields)[:150]
    for pk, pname, puscc, plawyer, source, ref, pnorm in rows:
        basis = "uscc" if uscc and puscc == uscc else "name" if pnorm == norm else "pinyin"
        found[pk] = Match(pk, pname, puscc, plawyer, source, ref, basis, 100.0)
    if len(norm) >= FUZZY_MIN_LENGTH:
        buckets = _index.get()
        wanted: dict[int, float] = {}
        for length in _lengths(len(norm)):
            if length not in buckets:
                continue
            names, pks, lawyers = buckets[length]
            for _choice, score, i in process.extract(
                norm, names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=20
            ):
                if lawyer_id is not None and lawyers[i] not in (None, lawyer_id):
                    continue
                if pks[i] not in found:
                    wanted[pks[i]] = score
        if wanted:
            rows = Party.objects.filter(pk__in=list(wanted)).values_list(*fields[:6])
            for pk, pname, puscc, plawyer, source, ref in rows:
                found[pk] = Match(
                    pk, pname, puscc, plawyer, source, ref, "fuzzy", round(wanted[pk], 1)
                )
    order = {"uscc": 0, "name": 1, "pinyin": 2, "fuzzy": 3}
    return sorted(found.values(), key=lambda m: (order[m.basis], -m.score, m.party_id))
