"""The frozen evaluation sets (issue 12): written once, before any tuning, and never
used to choose anything. ``make eval`` reports on them beside the tuning folds.

- ``gonghui/knowledge/data/frozen/questions.jsonl``: worker-phrased questions with the
  articles (``stem:number``) that answer them;
- ``gonghui/triage/data/frozen/texts.jsonl``: labelled texts for the classifier.

Both READMEs say how they were written. Nothing in the code reads them except the
evaluation and the test that keeps them apart from the training data.
"""

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS_FILE = ROOT / "knowledge" / "data" / "frozen" / "questions.jsonl"
TEXTS_FILE = ROOT / "triage" / "data" / "frozen" / "texts.jsonl"


@dataclass(frozen=True)
class Question:
    id: str
    persona: str
    question: str
    statutes: frozenset  # of (document stem, article number)


@dataclass(frozen=True)
class Text:
    id: str
    text: str
    category: str


def questions() -> list[Question]:
    out = []
    with QUESTIONS_FILE.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            keys = frozenset(
                (stem, int(number)) for stem, number in (a.split(":") for a in r["articles"])
            )
            out.append(Question(r["id"], r["persona"], r["question"], keys))
    return out


def texts() -> list[Text]:
    with TEXTS_FILE.open(encoding="utf-8") as f:
        return [Text(r["id"], r["text"], r["category"]) for r in map(json.loads, f)]
