"""The conflict check (利益冲突审查) of a legal-aid assignment: has the lawyer, or the
union itself, acted for the adverse employer?

Identifier first: the employer's credit code against every declared engagement and
past case. Then the name, normalised (北京, （北京）, 有限公司 and the like, spaces and
full-width forms taken out) and compared exactly, by pinyin (同音 spellings) and, for
names long enough to carry meaning, by fuzzy ratio. An 80 % similarity is meaningless
for the 2–3 characters of a person's or a small shop's name (张伟 and 张纬 are two
people), so short names match only exactly or by pinyin.

The exact lookups are index queries; the fuzzy pass runs over an in-process index of
the normalised names (rebuilt when the ``rights.parties`` generation moves) and scores
only the names sharing one of the query's rarest characters (``_Index``).
"""

import math
import re
import unicodedata
from dataclasses import asdict, dataclass

import numpy as np
from django.db.models import Q
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from gonghui.core.generations import ProcessCache, bump
from gonghui.rights.models import Party

GENERATION = "rights.parties"
FUZZY_MIN_LENGTH = 4
# Chosen on the "tune" half of the frozen pair set (tests/data/conflict_pairs.csv): the
# strictest cutoff that still finds one mistyped character in a 6-character core (2·5/12
# = 83); docs/rights.md gives the held-out half's precision and recall.
FUZZY_CUTOFF = 82.0
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
_LEADING_PLACE = re.compile(r"^(北京市|北京|中国)(?=..)")
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


class _Index:
    """Every party's normalised name in process memory, with an inverted list per
    character, so a check scores only the names that can reach the cutoff.

    The prefilter is exact (a test compares it with a full scan): a ratio of
    FUZZY_CUTOFF needs ``k`` characters in common (the Indel ratio is 2·LCS / (n + m)),
    so of the query's ``n`` characters ranked rarest first, any ``n - k + 1`` hold one
    of them; only names containing one of those rarest characters, of a length that can
    reach the cutoff, and acted for by the lawyer (or the union) are scored."""

    def __init__(self, rows) -> None:
        self.names: list[str] = []
        pks, lawyers = [], []
        postings: dict[str, list[int]] = {}
        for i, (norm, pk, lawyer) in enumerate(rows):
            self.names.append(norm)
            pks.append(pk)
            lawyers.append(-1 if lawyer is None else lawyer)
            for ch in set(norm):
                postings.setdefault(ch, []).append(i)
        self.pks = np.array(pks, dtype=np.int64)
        self.lawyers = np.array(lawyers, dtype=np.int64)
        self.lengths = np.array([len(n) for n in self.names], dtype=np.int32)
        self.postings = {ch: np.array(ix, dtype=np.int32) for ch, ix in postings.items()}

    def candidates(self, norm: str, lawyer_id: int | None) -> np.ndarray:
        """Return the indices of the names that may reach the cutoff against ``norm``."""
        n = len(norm)
        lengths = _lengths(n)
        # (less a hair: 0.88 · 25 / 2 is 11.000000000000002 in floating point)
        need = math.ceil(FUZZY_CUTOFF / 100 * (n + lengths.start) / 2 - 1e-9)
        empty = np.array([], dtype=np.int32)
        # The query's characters (with repeats), rarest first; a missing one is rarest.
        ranked = sorted(norm, key=lambda ch: (len(self.postings.get(ch, empty)), ch))
        probe = {ch for ch in ranked[: max(n - need + 1, 1)]}
        lists = [self.postings[ch] for ch in probe if ch in self.postings]
        if not lists:
            return empty
        ix = np.unique(np.concatenate(lists))
        keep = (self.lengths[ix] >= lengths.start) & (self.lengths[ix] < lengths.stop)
        if lawyer_id is not None:
            owner = self.lawyers[ix]
            keep &= (owner == -1) | (owner == lawyer_id)
        return ix[keep]


def _build_index() -> _Index:
    rows = Party.objects.values_list("norm", "pk", "lawyer_id").iterator(chunk_size=20_000)
    return _Index(rows)


def _lengths(n: int) -> range:
    """Lengths m with 2·min(n, m) / (n + m) ≥ FUZZY_CUTOFF (Indel ratio's upper bound)."""
    c = FUZZY_CUTOFF / 100
    return range(math.ceil(n * c / (2 - c)), math.floor(n * (2 - c) / c) + 1)


_index: ProcessCache = ProcessCache(GENERATION, _build_index)


def fuzzy_matches(norm: str, lawyer_id: int | None, *, limit: int = 20) -> dict[int, float]:
    """Return ``{party pk: ratio}`` of the names at or above the cutoff (best ``limit``)."""
    index: _Index = _index.get()
    ix = index.candidates(norm, lawyer_id)
    if not len(ix):
        return {}
    names = [index.names[i] for i in ix]
    hits = process.extract(norm, names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=limit)
    return {int(index.pks[ix[j]]): score for _name, score, j in hits}


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
        wanted = {
            pk: score for pk, score in fuzzy_matches(norm, lawyer_id).items() if pk not in found
        }
        if wanted:
            rows = Party.objects.filter(pk__in=list(wanted)).values_list(*fields[:6])
            for pk, pname, puscc, plawyer, source, ref in rows:
                found[pk] = Match(
                    pk, pname, puscc, plawyer, source, ref, "fuzzy", round(wanted[pk], 1)
                )
    order = {"uscc": 0, "name": 1, "pinyin": 2, "fuzzy": 3}
    return sorted(found.values(), key=lambda m: (order[m.basis], -m.score, m.party_id))
