"""The missing-items check (care/rules.py ``missing_items``): a pure function of a
programme's rules, the facts and the uploaded materials, run on every keystroke of the
H5 form, on submit and on every return. Measured in one process, no database: the
critical-illness programme as shipped, and a large made-up programme (40 materials,
half of them conditional on one of 10 facts) with random facts and uploads.
Target: < 5 ms per check at the 99th percentile.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import log, percentile, row  # noqa: E402

RUNS = 20_000


def large_programme() -> dict:
    facts = {f"f{i}": "bool" for i in range(10)}
    materials = []
    for i in range(40):
        m = {"code": f"m{i}", "name": f"材料{i}"}
        if i % 2:
            m["required_if"] = {f"f{i % 10}": True}
        materials.append(m)
    return {"facts": facts, "materials": materials}


def measure(rules: dict, rng: random.Random) -> list[float]:
    from gonghui.care.rules import missing_items

    codes = [m["code"] for m in rules["materials"]]
    facts_keys = list(rules.get("facts", {}))
    times = []
    for _ in range(RUNS):
        facts = {k: rng.random() < 0.5 for k in facts_keys}
        uploaded = set(rng.sample(codes, rng.randint(0, len(codes))))
        returned = set(rng.sample(codes, 1)) if rng.random() < 0.2 else set()
        t0 = time.perf_counter()
        missing_items(rules, facts, uploaded, returned)
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)


def run() -> list[dict]:
    from gonghui.care.programmes import CRITICAL_ILLNESS

    rng = random.Random(15)
    rows = []
    for label, rules in (
        ("critical_illness", CRITICAL_ILLNESS),
        ("40 materials", large_programme()),
    ):
        log(f"  care: missing_items on {label}, {RUNS} runs")
        t = measure(rules, rng)
        note = f"{label}; median {percentile(t, 50) * 1000:.1f} µs over {RUNS} runs"
        rows.append(
            row(
                f"care missing-items check p99 ({label})",
                round(percentile(t, 99) * 1000, 1),
                "µs",
                "< 5000",
                note,
            )
        )
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
