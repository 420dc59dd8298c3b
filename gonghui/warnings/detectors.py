"""The three early-warning detectors, as pure functions over a list of appeals.

The worker's sweep feeds them appeals from the database; ``make eval`` feeds them a
generated 90-day stream (``replay.py``). Both get the same answers from the same code.

(a) ``employer_clusters``: one employer with at least N wage or dismissal appeals in
    a sliding window (risk of a collective dispute), and more than its own past weeks
    make likely (Poisson tail below ``employer_alpha``), so a large employer with a
    steady trickle is not raised again and again.
(b) ``area_surges``: a category in a street or district whose count in the last day
    is improbable under its own baseline: the Poisson upper tail P(X >= k | λ) below
    ``alpha``, λ the mean daily count over the baseline weeks before (floored, so a
    category never seen there does not alarm on its first appeal).
(c) ``term_surges``: a word that was rare in the baseline and suddenly appears in
    many appeals of the last day (same Poisson test on its appeal counts).
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings


@dataclass(frozen=True)
class Item:
    """What a detector needs of one appeal."""

    id: int
    at: datetime
    category: str
    district_id: int | None
    street_id: int | None
    employer: str  # enterprise id as text, else the normalised name; "" when unknown
    words: frozenset = frozenset()
    urgent: bool = False


@dataclass
class Finding:
    kind: str
    subject: str  # what the warning is about, unique among open warnings
    level: str
    evidence: list[int]
    stats: dict = field(default_factory=dict)
    district_id: int | None = None
    street_id: int | None = None
    employer: str = ""
    category: str = ""
    term: str = ""


def config() -> dict:
    return {**DEFAULTS, **getattr(settings, "GONGHUI_WARNINGS", {})}


DEFAULTS = {
    "employer_categories": ["wages", "dismissal"],
    "employer_min_appeals": 3,
    "employer_window_days": 7,
    "employer_alpha": 0.01,
    "employer_lambda_floor": 0.2,
    "baseline_days": 28,
    "surge_window_hours": 24,
    "surge_alpha": 0.001,
    "surge_min_count": 4,
    "surge_lambda_floor": 0.25,
    "term_min_appeals": 5,
    "term_alpha": 0.0001,
    "term_lambda_floor": 0.1,
    "term_min_length": 2,
}


def poisson_tail(k: int, lam: float) -> float:
    """Return P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term = math.exp(-lam)
    below = term
    for i in range(1, k):
        term *= lam / i
        below += term
    return max(0.0, 1.0 - below)


def _level(count: int, threshold: int, urgent: bool) -> str:
    if urgent or count >= 2 * threshold:
        return "red"
    if count >= 1.5 * threshold:
        return "orange"
    return "yellow"


def employer_clusters(items: list[Item], now: datetime, cfg: dict | None = None) -> list[Finding]:
    cfg = cfg or config()
    days = cfg["employer_window_days"]
    since = now - timedelta(days=days)
    base_since = since - timedelta(days=cfg["baseline_days"])
    groups: dict[str, list[Item]] = defaultdict(list)
    base: Counter = Counter()
    for it in items:
        if it.employer and it.category in cfg["employer_categories"] and base_since < it.at <= now:
            if it.at > since:
                groups[it.employer].append(it)
            else:
                base[it.employer] += 1
    found = []
    n = cfg["employer_min_appeals"]
    for employer, group in groups.items():
        # An employer that always has this many is not news: test against its own past.
        lam = max(base[employer] / cfg["baseline_days"] * days, cfg["employer_lambda_floor"])
        if len(group) >= n and poisson_tail(len(group), lam) < cfg["employer_alpha"]:
            found.append(
                Finding(
                    kind="employer_cluster",
                    subject=f"employer:{employer}",
                    level=_level(len(group), n, any(i.urgent for i in group)),
                    evidence=[i.id for i in group],
                    stats={"count": len(group), "window_days": cfg["employer_window_days"]},
                    district_id=group[-1].district_id,
                    street_id=group[-1].street_id,
                    employer=employer,
                    category=Counter(i.category for i in group).most_common(1)[0][0],
                )
            )
    return found


def area_surges(items: list[Item], now: datetime, cfg: dict | None = None) -> list[Finding]:
    cfg = cfg or config()
    window = timedelta(hours=cfg["surge_window_hours"])
    base_start = now - window - timedelta(days=cfg["baseline_days"])
    recent: dict[tuple, list[Item]] = defaultdict(list)
    base: Counter = Counter()
    for it in items:
        if not base_start < it.at <= now:
            continue
        keys = []
        if it.street_id:
            keys.append(("street", it.street_id, it.category))
        if it.district_id:
            keys.append(("district", it.district_id, it.category))
        for key in keys:
            if it.at > now - window:
                recent[key].append(it)
            else:
                base[key] += 1
    found = []
    windows = cfg["baseline_days"] * 24 / cfg["surge_window_hours"]
    flagged_streets = set()
    for key in sorted(recent, key=lambda k: k[0] != "street"):  # streets first
        group = recent[key]
        k = len(group)
        if k < cfg["surge_min_count"]:
            continue
        lam = max(base[key] / windows, cfg["surge_lambda_floor"])
        p = poisson_tail(k, lam)
        if p >= cfg["surge_alpha"]:
            continue
        level_kind, org_id, category = key
        if level_kind == "district" and (org_id, category) in flagged_streets:
            continue  # the street warning already covers it
        if level_kind == "street":
            flagged_streets.add((group[0].district_id, category))
        found.append(
            Finding(
                kind="area_surge",
                subject=f"area:{level_kind}:{org_id}:{category}",
                level="red"
                if p < cfg["surge_alpha"] / 100
                else "orange"
                if p < cfg["surge_alpha"] / 10
                else "yellow",
                evidence=[i.id for i in group],
                stats={
                    "count": k,
                    "baseline_per_day": round(lam * 24 / cfg["surge_window_hours"], 3),
                    "p": p,
                },
                district_id=group[0].district_id,
                street_id=org_id if level_kind == "street" else None,
                category=category,
            )
        )
    return found


def term_surges(items: list[Item], now: datetime, cfg: dict | None = None) -> list[Finding]:
    cfg = cfg or config()
    window = timedelta(hours=cfg["surge_window_hours"])
    base_start = now - window - timedelta(days=cfg["baseline_days"])
    recent: dict[str, list[Item]] = defaultdict(list)
    base: Counter = Counter()
    for it in items:
        if not base_start < it.at <= now:
            continue
        is_recent = it.at > now - window
        for w in it.words:
            if len(w) < cfg["term_min_length"]:
                continue
            if is_recent:
                recent[w].append(it)
            else:
                base[w] += 1
    windows = cfg["baseline_days"] * 24 / cfg["surge_window_hours"]
    found = []
    for word, group in recent.items():
        k = len(group)
        if k < cfg["term_min_appeals"]:
            continue
        lam = max(base[word] / windows, cfg["term_lambda_floor"])
        p = poisson_tail(k, lam)
        if p >= cfg["term_alpha"]:
            continue
        districts = Counter(i.district_id for i in group if i.district_id)
        district = districts.most_common(1)[0][0] if len(districts) == 1 else None
        found.append(
            Finding(
                kind="term_surge",
                subject=f"term:{word}",
                level="orange" if k >= 2 * cfg["term_min_appeals"] else "yellow",
                evidence=[i.id for i in group],
                stats={"count": k, "baseline_per_day": round(lam, 3), "p": p},
                district_id=district,
                term=word,
            )
        )
    # A phrase is several words surging together: keep the rarest word of each group.
    found.sort(key=lambda f: (f.stats["baseline_per_day"], -f.stats["count"], f.term))
    kept, covered = [], set()
    for f in found:
        ev = frozenset(f.evidence)
        if any(len(ev & c) >= 0.8 * len(ev) for c in covered):
            continue
        covered.add(ev)
        kept.append(f)
    return kept


def detect(items: list[Item], now: datetime, cfg: dict | None = None) -> list[Finding]:
    """Run the three detectors; one cluster raises one warning: an area or term finding
    mostly made of appeals an employer finding already holds is left out."""
    cfg = cfg or config()
    employers = employer_clusters(items, now, cfg)
    held = set().union(*(f.evidence for f in employers)) if employers else set()
    others = [
        f
        for f in area_surges(items, now, cfg) + term_surges(items, now, cfg)
        if len(held.intersection(f.evidence)) < 0.8 * len(f.evidence)
    ]
    return employers + others
