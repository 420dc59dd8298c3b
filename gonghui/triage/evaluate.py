"""``make eval``: the measured quality of triage, knowledge search and early warning.

Run as ``python -m gonghui.triage.evaluate`` against an empty database (the Makefile
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
import time
from pathlib import Path


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
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


def statutes() -> dict:
    from gonghui.knowledge import search
    from gonghui.knowledge.importer import chinese_number
    from gonghui.knowledge.models import Article, Document
    from gonghui.triage import data

    by_name = {}
    for doc in Document.objects.filter(kind="law"):
        by_name[doc.title] = doc.stem
        by_name[doc.title.removeprefix("中华人民共和国")] = doc.stem
    have = set(Article.objects.values_list("document__stem", "number"))
    queries = []
    with data.real_path().open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["source"] != "lecoqa":
                continue
            wanted = set()
            for part in r["source_label_origin"].split("statutes:")[1].split(";"):
                m = re.match(r"\s*(.+?)第([零一二两三四五六七八九十百千]+)条", part)
                if m and m.group(1) in by_name:
                    key = (by_name[m.group(1)], chinese_number(m.group(2)))
                    if key in have:
                        wanted.add(key)
            if wanted:
                queries.append((r["question"], wanted))
    recall, hit, rr, times = [], [], [], []
    for question, wanted in queries:
        started = time.perf_counter()
        hits = search.search(question, limit=20, kinds={"law"})
        times.append(time.perf_counter() - started)
        ranked = [(h.source, _number(h.article)) for h in hits]
        top5 = set(ranked[:5])
        recall.append(len(top5 & wanted) / len(wanted))
        hit.append(bool(top5 & wanted))
        first = next((i for i, key in enumerate(ranked) if key in wanted), None)
        rr.append(0 if first is None else 1 / (first + 1))
    n = len(queries)
    out = {
        "queries": n,
        "recall_at_5": round(sum(recall) / n, 4),
        "hit_at_5": round(sum(hit) / n, 4),
        "mrr_at_20": round(sum(rr) / n, 4),
    }
    print(
        f"\n== statutes (lecoqa, {n} questions with statutes in laws/): recall@5 "
        f"{out['recall_at_5']:.3f}, hit@5 {out['hit_at_5']:.3f}, MRR@20 {out['mrr_at_20']:.3f}"
    )
    return out


def _number(label: str) -> int:
    from gonghui.knowledge.importer import chinese_number

    m = re.match(r"第([零一二两三四五六七八九十百千]+)条", label)
    return chinese_number(m.group(1)) if m else 0


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
    results = {
        "category": categories(),
        "kind": kinds(),
        "district": districts(),
        "statutes": statutes(),
        "warnings": warnings(),
    }
    print("\n" + json.dumps(results, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
