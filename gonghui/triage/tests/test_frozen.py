"""The frozen evaluation sets: big enough, covering what they must, unchanged since
they were frozen, and apart from every row the system learns or is tuned from."""

import hashlib
import json
from pathlib import Path

import pytest

from gonghui.appeals.choices import Category
from gonghui.triage import data, frozen

# The files' digests when they were frozen: a change to either shows up here first.
FROZEN_SHA256 = {
    frozen.QUESTIONS_FILE: "1363740871db8fdf41213c55bf58eead2c21cc2999d8418992ee9c146814e99c",
    frozen.TEXTS_FILE: "ed0746c49a2d4df44881ac5bf999839dc3b1f9a0724369444cefe0cb79886908",
}
# Two texts sharing this share of their character pairs (Jaccard) are near copies.
NEAR_COPY = 0.6


def test_the_frozen_files_are_unchanged():
    for path, digest in FROZEN_SHA256.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path.name


def test_the_question_set_is_large_varied_and_cites_every_law():
    from django.conf import settings

    questions = frozen.questions()
    assert len(questions) >= 120
    assert len({q.id for q in questions}) == len(questions)
    assert len({q.question for q in questions}) == len(questions)
    assert len({q.persona for q in questions}) >= 6
    assert all(1 <= len(q.statutes) <= 3 for q in questions)
    laws = {p.stem for p in (Path(settings.SHARED_DATA_DIR) / "laws").glob("*.md")} - {"SOURCES"}
    cited = {stem for q in questions for stem, _ in q.statutes}
    assert laws and laws <= cited, sorted(laws - cited)


@pytest.mark.django_db
def test_every_cited_article_is_in_the_knowledge_base():
    from gonghui.knowledge.models import Article

    have = set(Article.objects.values_list("document__stem", "number"))
    missing = {key for q in frozen.questions() for key in q.statutes} - have
    assert not missing


def test_the_text_set_is_large_and_covers_every_category():
    texts = frozen.texts()
    assert len(texts) >= 300
    assert len({t.id for t in texts}) == len(texts)
    counts = {c: sum(t.category == c for t in texts) for c in Category.values}
    assert all(n >= 15 for n in counts.values()), counts
    assert {t.category for t in texts} <= set(Category.values)


def _pairs(text: str) -> set[str]:
    cjk = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return {cjk[i : i + 2] for i in range(len(cjk) - 1)} or {text}


def _tuning_texts() -> list[str]:
    """Every text the classifier trains on or the search is tuned with: the synthetic
    rows, all real rows (train and test: the real questions are the tuning folds), and
    the thesaurus and topic-line data files."""
    out = [r.text for r in data.synthetic_rows()]
    if data.real_path().exists():
        with data.real_path().open(encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                out.append(" ".join(p for p in (r.get("title"), r["question"]) if p))
    knowledge_data = frozen.ROOT / "knowledge" / "data"
    for path in sorted(knowledge_data.glob("*.json")):
        out += [str(v) for v in _strings(json.loads(path.read_text(encoding="utf-8")))]
    return out


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_no_frozen_text_is_close_to_a_training_or_tuning_text():
    tuning = [t for t in _tuning_texts() if len(t) >= 6]
    tuning_pairs = [_pairs(t) for t in tuning]
    frozen_texts = [q.question for q in frozen.questions()] + [t.text for t in frozen.texts()]
    close = []
    for text in frozen_texts:
        mine = _pairs(text)
        for other, theirs in zip(tuning, tuning_pairs, strict=True):
            if text in other or len(mine & theirs) / len(mine | theirs) >= NEAR_COPY:
                close.append((text, other[:60]))
                break
    assert not close, close[:5]
    ids = {q.id for q in frozen.questions()} | {t.id for t in frozen.texts()}
    assert not ids & data.test_ids()
    assert not ids & {r.id for r in data.synthetic_rows()}
