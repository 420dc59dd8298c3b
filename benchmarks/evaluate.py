"""``make eval``: the measured quality of triage, knowledge search and early warning.

Run as ``python -m benchmarks.evaluate`` against an empty database (the Makefile
gives it a throwaway PostgreSQL): it migrates, imports the real org tree and the laws,
trains the model on the train split only, and prints

- category macro-F1 and the per-class report on the real test split (weak labels
  mapped to the taxonomy), and on the held-out synthetic rows (union categories);
- kind accuracy on the rows whose kind is known;
- district accuracy on generated sentences naming every real street, town and alias;
- statute recall@5 and MRR on the lecoqa rows' annotated statutes found in laws/;
- early-warning recall, precision, median hours and false alarms on the replay.
"""

import json
import os
import random
import re
import sys
from pathlib import Path


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gonghui.knowledge.importer import import_laws
    from gonghui.knowledge.models import Document
    from gonghui.orgs.importers import import_beijing_tree
    from gonghui.orgs.models import Org

    if not Org.objects.filter(admin_code="110108011").exists():
        import_beijing_tree()
    if not Document.objects.exists():
        import_laws()


def categories() -> dict:
    from sklearn.metrics import classification_report

    from gonghui.triage import data, services, training

    model = training.train(use_corrections=False)
    from gonghui.triage import classifier

    classifier.set_model(model)
    out = {}
    for name, rows in (
        ("real_test", data.split(data.real_rows())[1]),
        ("synthetic_test", data.split(data.synthetic_rows())[1]),
    ):
        truth = [r.category for r in rows]
        predicted = [services.analyse(r.text[:4000]).category for r in rows]
        f1, _report = training.macro_f1(truth, predicted)
        out[name] = {"rows": len(rows), "macro_f1": round(f1, 4)}
        print(f"\n== category, {name}: {len(rows)} rows, macro-F1 {f1:.3f}")
        print(classification_report(truth, predicted, labels=sorted(set(truth)), zero_division=0))
    return out


CATEGORY_FOLDS = 5


def category_folds(k: int = CATEGORY_FOLDS, seed: int = 0) -> dict:
    """Macro-F1 in k-fold stratified cross-validation over the TRAINING rows only (real
    train split and synthetic train rows, folded together): the figure settings are
    chosen by. The test split and the frozen texts take no part."""
    from sklearn.model_selection import StratifiedKFold

    from gonghui.triage import classifier, data, services, training

    rows = data.split(data.real_rows())[0] + data.split(data.synthetic_rows())[0]
    labels = [r.category for r in rows]
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    truth, predicted, f1s = [], [], []
    saved = classifier._current
    try:
        for train_idx, test_idx in folds.split(rows, labels):
            model = classifier.fit(
                [rows[i].text for i in train_idx], [labels[i] for i in train_idx]
            )
            classifier.set_model(model)
            t = [labels[i] for i in test_idx]
            p = [services.analyse(rows[i].text[:4000]).category for i in test_idx]
            f1s.append(training.macro_f1(t, p)[0])
            truth += t
            predicted += p
    finally:
        classifier.set_model(saved)
    f1, report = training.macro_f1(truth, predicted)
    print(
        f"\n== category, {k}-fold CV over the training rows ({len(rows)}): macro-F1 {f1:.3f} "
        f"(fold mean {sum(f1s) / k:.3f})"
    )
    per_class = {c: round(report[c]["f1-score"], 3) for c in sorted(set(truth))}
    print("  " + ", ".join(f"{c} {v:.2f}" for c, v in per_class.items()))
    return {"rows": len(rows), "folds": k, "macro_f1": round(f1, 4), "f1_by_class": per_class}


def kinds() -> dict:
    from gonghui.triage import data, rules

    rows = [r for r in data.split(data.real_rows() + data.synthetic_rows())[1] if r.kind]
    right = sum(rules.kind(r.text) == r.kind for r in rows)
    syn = [r for r in rows if r.source == "synthetic"]
    syn_right = sum(rules.kind(r.text) == r.kind for r in syn)
    print(
        f"\n== kind: {right}/{len(rows)} = {right / len(rows):.3f} "
        f"(synthetic {syn_right}/{len(syn)}; real consultations are all enquiries)"
    )
    return {"rows": len(rows), "accuracy": round(right / len(rows), 4)}


TEMPLATES = [
    "我在{p}这边上班，老板拖欠了两个月工资。",
    "{p}有个工地不给农民工发工钱。",
    "我是{p}的外卖骑手，平台罚款太多。",
    "请问{p}附近的职工驿站在哪里？",
    "公司在{p}，一直不给交社保。",
    "家住{p}，想咨询一下工伤认定。",
]


def districts() -> dict:
    """Sentences naming each real street/town (full and short name) and each alias."""
    import csv

    from django.conf import settings

    from gonghui.triage import places

    rng = random.Random(12351)
    path = Path(settings.SHARED_DATA_DIR) / "geo" / "beijing_streets_townships.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    short_count: dict[str, set] = {}
    for r in rows:
        short_count.setdefault(r["name"], set()).add(r["district_name"])
    cases = []
    for r in rows:
        expected = f"{r['district_name']}总工会"
        ambiguous = len(short_count[r["name"]]) > 1
        cases.append((r["name"], expected, ambiguous))
    for alias, (district, _street) in places.ALIASES.items():
        name = district if district.endswith("区") else f"{district}区"
        if district == "北京经济技术开发区":
            name = district
        cases.append((alias, f"{name}总工会", False))
    right = wrong = ambiguous_ok = ambiguous_total = missed = 0
    for mention, expected, is_ambiguous in cases:
        text = rng.choice(TEMPLATES).format(p=mention)
        place = places.find(text)
        if is_ambiguous:
            ambiguous_total += 1
            ambiguous_ok += place.district is None and mention in place.ambiguous
            continue
        if place.district is None:
            missed += 1
        elif place.district[1] == expected:
            right += 1
        else:
            wrong += 1
    total = right + wrong + missed
    print(
        f"\n== district from place mentions: {right}/{total} = {right / total:.3f} "
        f"(wrong {wrong}, not found {missed}); ambiguous names reported as ambiguous "
        f"{ambiguous_ok}/{ambiguous_total}"
    )
    return {
        "cases": total,
        "accuracy": round(right / total, 4),
        "ambiguous_reported": f"{ambiguous_ok}/{ambiguous_total}",
    }


STATUTE_FOLDS = 5
STATUTE_FOLD_SEED = 12351


def statute_folds(rows: list, k: int = STATUTE_FOLDS) -> list[list]:
    """Split the annotated rows into k seeded folds (by id)."""
    ids = sorted(r.id for r in rows)
    random.Random(STATUTE_FOLD_SEED).shuffle(ids)
    fold_of = {row_id: i % k for i, row_id in enumerate(ids)}
    return [[r for r in rows if fold_of[r.id] == i] for i in range(k)]


def statute_figures(queries: list, index) -> dict:
    """Recall@5, hit@5 and MRR@20 of the law articles found for ``queries``."""
    from gonghui.knowledge import search

    recall, hit, rr = [], [], []
    for row in queries:
        if row.id in index.question_ids:  # a query may never find itself
            raise AssertionError(f"evaluated row {row.id} is in the expansion index")
        hits = search.search(row.question, limit=20, kinds={"law"}, index=index)
        ranked = [(h.source, _number(h.article)) for h in hits]
        top5 = set(ranked[:5])
        recall.append(len(top5 & row.statutes) / len(row.statutes))
        hit.append(bool(top5 & row.statutes))
        first = next((i for i, key in enumerate(ranked) if key in row.statutes), None)
        rr.append(0 if first is None else 1 / (first + 1))
    n = len(queries)
    return {
        "queries": n,
        "recall_at_5": round(sum(recall) / n, 4),
        "hit_at_5": round(sum(hit) / n, 4),
        "mrr_at_20": round(sum(rr) / n, 4),
        "sums": (sum(recall), sum(hit), sum(rr)),
    }


def statutes() -> dict:
    """Statute recall on held-out lecoqa questions only.

    - ``baseline``: all annotated questions, no expansion (articles' BM25 alone);
    - ``split``: the fixed split's lecoqa test rows, index expanded with its train rows
      (what the live search uses);
    - ``kfold``: every annotated question once, in 5 seeded folds, each fold searched
      with an index expanded only with the other four folds' questions.
    """
    from gonghui.knowledge import annotated, search
    from gonghui.triage import data

    every = annotated.rows()
    test = data.test_ids()
    out = {}
    out["baseline"] = statute_figures(every, search.build_index(annotated=[]))
    train_rows = [r for r in every if r.id not in test]
    test_rows = [r for r in every if r.id in test]
    out["split"] = statute_figures(test_rows, search.build_index(annotated=train_rows))
    sums = [0.0, 0.0, 0.0]
    for fold in statute_folds(every):
        held = {r.id for r in fold}
        fig = statute_figures(
            fold, search.build_index(annotated=[r for r in every if r.id not in held])
        )
        sums = [a + b for a, b in zip(sums, fig["sums"], strict=True)]
    n = len(every)
    out["kfold"] = {
        "queries": n,
        "folds": STATUTE_FOLDS,
        "recall_at_5": round(sums[0] / n, 4),
        "hit_at_5": round(sums[1] / n, 4),
        "mrr_at_20": round(sums[2] / n, 4),
    }
    for name in ("baseline", "split"):
        out[name].pop("sums")
    print("\n== statutes (lecoqa questions with statutes in laws/; held-out rows only)")
    for name, label in (
        ("baseline", "no expansion, all questions"),
        ("split", "fixed split: test rows, expanded with train rows"),
        ("kfold", f"{STATUTE_FOLDS}-fold: each question expanded with the other folds"),
    ):
        f = out[name]
        print(
            f"  {label} ({f['queries']} questions): recall@5 {f['recall_at_5']:.3f}, "
            f"hit@5 {f['hit_at_5']:.3f}, MRR@20 {f['mrr_at_20']:.3f}"
        )
    return out


def _number(label: str) -> int:
    """The number of an article label (第三十条) or of a notice's item (第二项)."""
    from gonghui.knowledge.importer import chinese_number

    m = re.match(r"第([零一二两三四五六七八九十百千]+)[条项]", label)
    return chinese_number(m.group(1)) if m else 0


DIVERSITY_SHARE = 0.10  # no article in the top five of more than 10 % of the questions


def ranked_articles(question: str, index, limit: int = 20) -> list[tuple[str, int]]:
    from gonghui.knowledge import search

    hits = search.search(question, limit=limit, kinds={"law"}, index=index)
    return [(h.source, _number(h.article)) for h in hits]


def statute_scores(queries: list, rank) -> dict:
    """Recall@5, hit@5, MRR@20 and the diversity of the top fives of ``rank(question)``
    over ``queries`` (objects with ``question`` and ``statutes``)."""
    from collections import Counter

    recall, hit, rr, tops = [], [], [], Counter()
    for row in queries:
        ranked = rank(row.question)
        top5 = set(ranked[:5])
        tops.update(top5)
        recall.append(len(top5 & row.statutes) / len(row.statutes))
        hit.append(bool(top5 & row.statutes))
        first = next((i for i, key in enumerate(ranked) if key in row.statutes), None)
        rr.append(0 if first is None else 1 / (first + 1))
    n = len(queries)
    crowding = [(f"{stem}:{number}", c) for (stem, number), c in tops.most_common(5)]
    return {
        "queries": n,
        "recall_at_5": round(sum(recall) / n, 4),
        "hit_at_5": round(sum(hit) / n, 4),
        "mrr_at_20": round(sum(rr) / n, 4),
        "most_frequent_top5": crowding,
        "max_top5_share": round(crowding[0][1] / n, 4) if crowding else 0.0,
        "articles_over_share": [a for a, c in tops.items() if c / n > DIVERSITY_SHARE],
    }


def plain_bm25():
    """The plainest baseline: jieba words and bm25s over the articles' text, nothing
    else (no title, synonyms, votes or priors). Returns a ranking function."""
    import bm25s

    from gonghui.knowledge.models import Article
    from gonghui.triage.text import words

    arts = list(
        Article.objects.filter(document__kind="law")
        .select_related("document")
        .order_by("document__stem", "number")
    )
    retriever = bm25s.BM25()
    retriever.index([words(a.text) for a in arts], show_progress=False)
    keys = [(a.document.stem, a.number) for a in arts]

    def rank(question: str) -> list[tuple[str, int]]:
        import numpy as np

        q = words(question)
        if not q:
            return []
        scores = np.asarray(retriever.get_scores(q))
        order = np.argsort(-scores, kind="stable")[:20]
        return [keys[i] for i in order if scores[i] > 0]

    return rank


def frozen_statutes() -> dict:
    """Statute recall on the frozen questions (never used to choose anything): the
    live search (expanded with the train split's lecoqa questions) and plain BM25."""
    from gonghui.knowledge import search
    from gonghui.triage import frozen

    questions = frozen.questions()
    index = search._get()
    out = {
        "search": statute_scores(questions, lambda q: ranked_articles(q, index)),
        "plain_bm25": statute_scores(questions, plain_bm25()),
    }
    print(f"\n== statutes, FROZEN questions ({len(questions)}; never tuned on)")
    for name, f in out.items():
        print(
            f"  {name}: recall@5 {f['recall_at_5']:.3f}, hit@5 {f['hit_at_5']:.3f}, "
            f"MRR@20 {f['mrr_at_20']:.3f}; most frequent in top 5: "
            f"{f['most_frequent_top5'][:3]} (max share {f['max_top5_share']:.3f}; "
            f"articles over {DIVERSITY_SHARE:.0%}: {len(f['articles_over_share'])})"
        )
    return out


def frozen_categories(model=None) -> dict:
    """Category macro-F1 on the frozen texts, per class, with the model of the train
    split (the one ``categories`` measures)."""
    from sklearn.metrics import classification_report

    from gonghui.triage import classifier, frozen, services, training

    if model is not None:
        classifier.set_model(model)
    rows = frozen.texts()
    truth = [r.category for r in rows]
    predicted = [services.analyse(r.text).category for r in rows]
    f1, report = training.macro_f1(truth, predicted)
    accuracy = sum(a == b for a, b in zip(truth, predicted, strict=True)) / len(rows)
    print(
        f"\n== category, FROZEN texts: {len(rows)} rows, macro-F1 {f1:.3f}, accuracy {accuracy:.3f}"
    )
    print(classification_report(truth, predicted, labels=sorted(set(truth)), zero_division=0))
    per_class = {c: round(report[c]["f1-score"], 3) for c in sorted(set(truth))}
    return {
        "rows": len(rows),
        "macro_f1": round(f1, 4),
        "accuracy": round(accuracy, 4),
        "f1_by_class": per_class,
    }


def warnings() -> dict:
    from tqdm import tqdm

    from gonghui.warnings import replay

    bar = tqdm(total=24 * (replay.DAYS - 29) + 1, desc="replay", unit="h", disable=None)
    out = replay.run(progress=lambda: bar.update(1))
    bar.close()
    print(
        f"\n== early warning replay ({out['appeals']} appeals, 90 days, {out['clusters']} "
        f"injected clusters): recall within 24 h {out['recall_24h']:.3f} {out['recall_by_kind']}, "
        f"precision {out['precision']:.3f}, median {out['median_hours']} h to detect, "
        f"false alarms {out['false_alarms']} ({out['false_alarms_by_kind']}) = "
        f"{out['false_alarms_per_district_week']:.2f} per district per week "
        f"(worst district {out['max_false_alarms_one_district_week']:.2f})"
    )
    return out


def main() -> None:
    setup()
    if "--statutes" in sys.argv:
        out = {"statutes": statutes(), "frozen_statutes": frozen_statutes()}
        print("\n" + json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    if "--frozen" in sys.argv:  # the frozen sets and the tuning folds, no replay
        out = {
            "category": categories(),
            "category_folds": category_folds(),
            "frozen_category": frozen_categories(),
            "statutes": statutes(),
            "frozen_statutes": frozen_statutes(),
        }
        print("\n" + json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    results = {
        "category": categories(),
        "category_folds": category_folds(),
        "frozen_category": frozen_categories(),
        "kind": kinds(),
        "district": districts(),
        "statutes": statutes(),
        "frozen_statutes": frozen_statutes(),
        "warnings": warnings(),
    }
    print("\n" + json.dumps(results, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
