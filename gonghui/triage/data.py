"""The training and evaluation rows: real worker questions (weak labels mapped to the
taxonomy) and our own synthetic examples, with the fixed train/test split.

The real rows are read from ``SHARED_DATA_DIR/appeals/labour_qa.jsonl`` at training
time and never copied into the repository; only their ids are (``data/split.json``).
"""

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent / "data"
SPLIT_FILE = DATA_DIR / "split.json"
SYNTHETIC_FILE = DATA_DIR / "synthetic.jsonl"
SPLIT_SEED = 12351
TEST_SHARE = 0.25

# The source's keyword-rule labels (category_origin = keyword_rules_v1) to taxonomy codes.
# The two fallbacks name no topic: they are left out of training and evaluation.
WEAK_LABELS = {
    "拖欠工资与劳动报酬": "wages",
    "加班与工时休假": "hours",
    "社会保险与公积金": "social_insurance",
    "工伤与职业病": "injury",
    "解除劳动合同与经济补偿": "dismissal",
    "劳动合同订立与履行": "contract",
    "劳动争议处理程序": "procedure",
    "其他劳动和社会保障": None,
    "其他劳动关系问题": None,
}
# Sources that are consultations (a person asking a lawyer or a legal site): kind enquiry.
CONSULTATION_SOURCES = {
    "lecoqa",
    "lawbench_3-8",
    "lawyer_llama_legal_advice",
    "lawyer_llama_counsel_v2",
    "lawyer_llama_zixun_gpt4",
}


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    category: str
    kind: str | None
    source: str


def real_path() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "appeals" / "labour_qa.jsonl"


def real_rows() -> list[Row]:
    """Return the labelled real rows (title and question joined), fallbacks left out."""
    rows = []
    with real_path().open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            category = WEAK_LABELS.get(r["category"])
            if category is None:
                continue
            text = " ".join(p for p in (r.get("title"), r["question"]) if p)
            kind = "enquiry" if r["source"] in CONSULTATION_SOURCES else None
            rows.append(Row(r["id"], text, category, kind, r["source"]))
    return rows


def synthetic_rows() -> list[Row]:
    rows = []
    with SYNTHETIC_FILE.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows.append(Row(r["id"], r["text"], r["category"], r["kind"], "synthetic"))
    return rows


def make_split(rows: list[Row], seed: int = SPLIT_SEED) -> list[str]:
    """Return the ids of the test rows: a quarter of each category, seeded."""
    rng = random.Random(seed)
    test = []
    by_category: dict[str, list[str]] = {}
    for r in sorted(rows, key=lambda r: r.id):
        by_category.setdefault(r.category, []).append(r.id)
    for category in sorted(by_category):
        ids = by_category[category]
        rng.shuffle(ids)
        test += ids[: max(1, round(len(ids) * TEST_SHARE))]
    return sorted(test)


def test_ids() -> set[str]:
    return set(json.loads(SPLIT_FILE.read_text())["test_ids"])


def split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    test = test_ids()
    return [r for r in rows if r.id not in test], [r for r in rows if r.id in test]


def digest(texts_and_labels: list[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for text, label in texts_and_labels:
        h.update(f"{label}\t{text}\n".encode())
    return h.hexdigest()
