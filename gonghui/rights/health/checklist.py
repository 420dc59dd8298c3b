"""The indicator tree kept as data (``data/checklist_v<N>.json``): loading a version,
walking its checks, the articles they cite, and the score and risk level by the rules
the data file carries."""

import json
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from gonghui.rights.health.choices import Result

DATA = Path(__file__).parent / "data"
# The file a new check uses; older versions stay in the database for the checks done on them.
CURRENT_FILE = "checklist_v1.json"


@cache
def read_file(name: str = CURRENT_FILE) -> dict:
    with open(DATA / name, encoding="utf-8") as fh:
        return json.load(fh)


def checks(tree: dict) -> list[dict]:
    """Return every check of a tree, each with its area and item names, in tree order."""
    found = []
    for area in tree["areas"]:
        for item in area["items"]:
            for check in item["checks"]:
                found.append(
                    {**check, "area_id": area["id"], "area": area["name"], "item": item["name"]}
                )
    return found


def by_id(tree: dict) -> dict[str, dict]:
    return {c["id"]: c for c in checks(tree)}


def score(tree: dict, results: dict[str, str]) -> Decimal | None:
    """Return the weighted share of passed checks among those answered pass or fail (0–100,
    one decimal); None when nothing applicable is answered."""
    earned = possible = 0
    for check in checks(tree):
        result = results.get(check["id"])
        if result not in (Result.PASS, Result.FAIL):
            continue
        weight = int(check.get("weight", 1))
        possible += weight
        if result == Result.PASS:
            earned += weight
    if not possible:
        return None
    return (Decimal(100 * earned) / possible).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def area_scores(tree: dict, results: dict[str, str]) -> list[dict]:
    """Return each area's score (as ``score``) and its failed checks' count."""
    rows = []
    for area in tree["areas"]:
        sub = {"areas": [area]}
        failed = sum(1 for c in checks(sub) if results.get(c["id"]) == Result.FAIL)
        rows.append(
            {"id": area["id"], "name": area["name"], "score": score(sub, results), "failed": failed}
        )
    return rows


def risk(tree: dict, results: dict[str, str]) -> str:
    """Return the risk level by the tree's rules: the first rule that matches, else the default."""
    total = score(tree, results)
    failed = [c for c in checks(tree) if results.get(c["id"]) == Result.FAIL]
    for rule in tree.get("risk_rules", []):
        when = rule["when"]
        if (
            "score_below" in when
            and total is not None
            and total < Decimal(str(when["score_below"]))
        ):
            return rule["level"]
        if "failed_severity" in when and any(
            c.get("severity") == when["failed_severity"] for c in failed
        ):
            return rule["level"]
        if "failed_at_least" in when and len(failed) >= int(when["failed_at_least"]):
            return rule["level"]
    return tree.get("default_risk", "low")
