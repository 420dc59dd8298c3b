"""The conflict check's name rule on the frozen, held-out pair set, and its prefilter
against a full scan."""

import csv
import random
from collections import Counter
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from gonghui.rights import conflicts
from gonghui.rights.models import Party

pytestmark = pytest.mark.django_db
PAIRS = Path(__file__).parent / "data" / "conflict_pairs.csv"


def _register(names: list[str], lawyers=None) -> list[Party]:
    lawyers = lawyers or [None] * len(names)
    rows = []
    for name, lawyer in zip(names, lawyers, strict=True):
        norm = conflicts.normalise(name)
        rows.append(
            Party(
                source=Party.Source.CASE,
                lawyer_id=lawyer,
                name=name,
                norm=norm,
                pinyin=conflicts.pinyin_of(norm),
            )
        )
    parties = Party.objects.bulk_create(rows)
    conflicts.bump(conflicts.GENERATION)
    return parties


def measure_pairs(split: str = "held_out") -> dict[str, Counter]:
    """Register every pair's first name, check the second; count per kind."""
    with PAIRS.open(encoding="utf-8") as fh:
        pairs = [p for p in csv.DictReader(fh) if p["split"] == split]
    parties = _register([p["a"] for p in pairs])
    counts: dict[str, Counter] = {}
    for pair, party in zip(pairs, parties, strict=True):
        hit = any(m.party_id == party.pk for m in conflicts.check(name=pair["b"]))
        same = pair["same"] == "1"
        outcome = {(True, True): "tp", (True, False): "fp", (False, True): "fn"}.get(
            (hit, same), "tn"
        )
        counts.setdefault(pair["kind"], Counter())[outcome] += 1
        counts.setdefault("all", Counter())[outcome] += 1
    return counts


def test_it_finds_the_same_parties_on_the_held_out_pairs():
    counts = measure_pairs()
    total = counts["all"]
    precision = total["tp"] / (total["tp"] + total["fp"])
    recall = total["tp"] / (total["tp"] + total["fn"])
    assert (round(precision, 3), round(recall, 3)) == (EXPECTED_PRECISION, EXPECTED_RECALL), {
        k: dict(v) for k, v in counts.items()
    }
    # The figures in docs/rights.md ("Conflict check"): keep them in step.
    assert (round(precision, 3), round(recall, 3)) == (EXPECTED_PRECISION, EXPECTED_RECALL), counts
    # Suffix and spelling variants of one company are always found; two people whose
    # names differ in one character never are.
    assert counts["suffix"]["fn"] == 0
    assert counts["person"]["fp"] == 0


EXPECTED_PRECISION = 0.849
EXPECTED_RECALL = 1.0


def test_it_scores_exactly_the_names_a_full_scan_finds():
    rng = random.Random(7)
    trades = ["科技", "物流", "商贸", "家政服务", "信息技术", "建筑劳务"]
    pool = "华泰通安创亿恒天网新和泰时刻麒麟同兴万点凌颖昊嘉佳禾晖来宇龙"
    names = []
    for _ in range(3000):
        core = "".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
        names.append(core + rng.choice(trades))
    lawyers = [rng.choice([None, 1, 2, 3]) for _ in names]
    from gonghui.orgs.models import Org
    from gonghui.rights.models import Lawyer

    city = Org.objects.get(parent__isnull=True)
    real = {
        i: Lawyer.objects.create(
            name=f"律师{i}", firm="某所", phone=f"1351111000{i}", owner=city, owner_path=city.path
        ).pk
        for i in (1, 2, 3)
    }
    parties = _register(names, [real.get(x) if x else None for x in lawyers])
    norms = [p.norm for p in parties]
    for query in rng.sample(names, 150):
        q = conflicts.normalise(query[:-1] + rng.choice(pool))
        for lawyer in (None, real[2]):
            want = {
                p.pk
                for p, norm in zip(parties, norms, strict=True)
                if fuzz.ratio(q, norm) >= conflicts.FUZZY_CUTOFF
                and (lawyer is None or p.lawyer_id in (None, lawyer))
            }
            got = set(conflicts.fuzzy_matches(q, lawyer, limit=10_000))
            assert got == want, q
