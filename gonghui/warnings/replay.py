"""A generated 90-day stream of appeals with injected clusters of known start, to
measure the detectors (``make eval``). Seeded; nothing here is real data.

Background: 16 districts of 20 streets; each street and category has its own daily
rate (gamma-distributed, so some streets are busy), appeals arrive by a Poisson
process with a day/night cycle; half name an employer, drawn with a heavy tail
(a few big employers get many appeals, as in life); each appeal has six words from
a Zipf vocabulary. Clusters, from day 35 on (after four weeks of baseline):
employer (5 wage or dismissal appeals at one employer within a day), area (8 to 12
appeals of one category in one street within a day) and term (8 appeals across the
city sharing a new word within a day), ten of each.
"""

import math
import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gonghui.warnings import detectors
from gonghui.warnings.detectors import Item

START = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 90
CATEGORIES = [
    "wages",
    "hours",
    "social_insurance",
    "injury",
    "dismissal",
    "contract",
    "membership",
    "services",
    "gig",
    "safety",
]
CATEGORY_WEIGHT = [30, 12, 15, 8, 12, 8, 5, 4, 4, 2]  # appeals per day city-wide
DISTRICTS = 16
STREETS_PER_DISTRICT = 20
EMPLOYERS = 3000
VOCABULARY = 2000


@dataclass
class Cluster:
    kind: str
    start: datetime
    ids: set


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method; lam is small here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def generate(seed: int = 12351) -> tuple[list[Item], list[Cluster]]:
    rng = random.Random(seed)
    streets = [
        (d, d * 100 + s) for d in range(1, DISTRICTS + 1) for s in range(STREETS_PER_DISTRICT)
    ]
    shares = {c: [rng.gammavariate(1.5, 1.0) for _ in streets] for c in CATEGORIES}
    employer_weights = [1 / (i + 1) ** 1.1 for i in range(EMPLOYERS)]
    vocab = [f"w{i}" for i in range(VOCABULARY)]
    vocab_weights = [1 / (i + 1) for i in range(VOCABULARY)]
    items: list[Item] = []
    next_id = 1
    for day in range(DAYS):
        for hour in range(24):
            at = START + timedelta(days=day, hours=hour)
            diurnal = (
                0.3 + 1.4 * max(0.0, math.sin(math.pi * (hour - 6) / 14))
                if 6 <= hour <= 20
                else 0.15
            )
            for c, w in zip(CATEGORIES, CATEGORY_WEIGHT, strict=True):
                n = _poisson(rng, w * diurnal / 24 * 1.6)
                for d, s in rng.choices(streets, shares[c], k=n):
                    employer = ""
                    if rng.random() < 0.5:
                        employer = f"e{rng.choices(range(EMPLOYERS), employer_weights)[0]}"
                    words = frozenset(rng.choices(vocab, vocab_weights, k=6))
                    items.append(
                        Item(
                            next_id,
                            at + timedelta(minutes=rng.randrange(60)),
                            c,
                            d,
                            s,
                            employer,
                            words,
                        )
                    )
                    next_id += 1
    clusters = []
    for k in range(30):
        kind = ["employer_cluster", "area_surge", "term_surge"][k % 3]
        start = START + timedelta(days=35 + rng.randrange(50), hours=rng.randrange(24))
        d, s = rng.choice(streets)
        ids = set()
        if kind == "employer_cluster":
            employer = f"x{k}"  # an employer that was quiet before
            for _ in range(5):
                at = start + timedelta(hours=rng.uniform(0, 20))
                c = rng.choice(["wages", "dismissal"])
                items.append(
                    Item(
                        next_id,
                        at,
                        c,
                        d,
                        s,
                        employer,
                        frozenset(rng.choices(vocab, vocab_weights, k=6)),
                    )
                )
                ids.add(next_id)
                next_id += 1
        elif kind == "area_surge":
            c = rng.choice(CATEGORIES)
            for _ in range(rng.randint(8, 12)):
                at = start + timedelta(hours=rng.uniform(0, 20))
                items.append(
                    Item(
                        next_id, at, c, d, s, "", frozenset(rng.choices(vocab, vocab_weights, k=6))
                    )
                )
                ids.add(next_id)
                next_id += 1
        else:
            term = f"new{k}"
            for _ in range(8):
                at = start + timedelta(hours=rng.uniform(0, 20))
                dd, ss = rng.choice(streets)
                words = frozenset([term, *rng.choices(vocab, vocab_weights, k=5)])
                items.append(Item(next_id, at, rng.choice(CATEGORIES), dd, ss, "", words))
                ids.add(next_id)
                next_id += 1
        clusters.append(Cluster(kind, start, ids))
    items.sort(key=lambda i: i.at)
    return items, clusters


def run(seed: int = 12351, *, cooldown_days: int = 7, progress=None) -> dict:
    """Replay the stream hour by hour through the detectors; return the figures."""
    items, clusters = generate(seed)
    cfg = detectors.config()
    times = [i.at for i in items]
    span = timedelta(days=cfg["employer_window_days"] + cfg["baseline_days"] + 1)
    active: dict[str, datetime] = {}  # subject -> when it was raised (open for cooldown)
    detected: dict[int, float] = {}
    true_raises = false_raises = 0
    false_by_district: dict[int, int] = {}
    false_by_kind: dict[str, int] = {}
    hours = range(24 * (cfg["baseline_days"] + 1), 24 * DAYS + 1)
    for h in hours:
        now = START + timedelta(hours=h)
        window = items[bisect_left(times, now - span) : bisect_right(times, now)]
        for f in detectors.detect(window, now, cfg):
            raised = active.get(f.subject)
            if raised is not None and now - raised < timedelta(days=cooldown_days):
                continue
            active[f.subject] = now
            ev = set(f.evidence)
            hit = [
                k
                for k, c in enumerate(clusters)
                if len(ev & c.ids) >= 0.5 * min(len(ev), len(c.ids))
            ]
            if hit:
                true_raises += 1
                for k in hit:
                    if k not in detected:
                        detected[k] = (now - clusters[k].start).total_seconds() / 3600
            else:
                false_raises += 1
                false_by_kind[f.kind] = false_by_kind.get(f.kind, 0) + 1
                false_by_district[f.district_id or 0] = (
                    false_by_district.get(f.district_id or 0, 0) + 1
                )
        if progress:
            progress()
    within = sorted(v for v in detected.values() if v <= 24)
    weeks = (DAYS - cfg["baseline_days"] - 1) / 7
    by_kind = {}
    for kind in ("employer_cluster", "area_surge", "term_surge"):
        ks = [k for k, c in enumerate(clusters) if c.kind == kind]
        by_kind[kind] = sum(1 for k in ks if detected.get(k, 1e9) <= 24) / len(ks)
    return {
        "appeals": len(items),
        "clusters": len(clusters),
        "recall_24h": len(within) / len(clusters),
        "recall_by_kind": by_kind,
        "precision": true_raises / (true_raises + false_raises)
        if true_raises + false_raises
        else 0.0,
        "median_hours": within[len(within) // 2] if within else None,
        "false_alarms": false_raises,
        "false_alarms_by_kind": false_by_kind,
        "false_alarms_per_district_week": false_raises / (DISTRICTS * weeks),
        "max_false_alarms_one_district_week": max(false_by_district.values(), default=0) / weeks,
    }
