"""Triage calls per second in one process (one core), and knowledge search latency.

A fresh database gets the real org tree and the laws; the model is trained on the
train split. Texts: the held-out real rows and the synthetic rows (cut to 300
characters), each triaged in turn. ``analyse`` is the text part (classifier, kind,
urgency, gazetteer, employer; no database); ``triage`` adds the suggested org from
the routing table (database queries). Search: every text as a query, top 10.
"""

import json
import os
import subprocess
import sys
import time

from benchmarks.common import BIN, ROOT, fresh_database, log, percentile, row


def run() -> list[dict]:
    with fresh_database("bench_triage") as url:
        env = os.environ | {"DATABASE_URL": url}
        log("  triage: migrate, import tree and laws, train, measure")
        out = subprocess.run(
            [str(BIN / "python"), "-m", "benchmarks.bench_triage", "measure"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    out = out.stdout
    result = json.loads(out.split("RESULT ", 1)[1])
    return [
        row(
            "triage: analyse (text only)",
            result["analyse_per_s"],
            "calls/s",
            ">= 5000",
            f"{result['texts']} texts, one thread; median of 9 rounds "
            f"(range {result['analyse_range'][0]}-{result['analyse_range'][1]})",
        ),
        row(
            "triage: jieba segmentation alone",
            result["jieba_per_s"],
            "calls/s",
            "",
            f"the ceiling: same texts, mean {result['mean_chars']} characters",
        ),
        row(
            "triage: with suggested org",
            result["triage_per_s"],
            "calls/s",
            "",
            "adds routing-table queries",
        ),
        row(
            "knowledge search p50",
            result["search_p50_ms"],
            "ms",
            "",
            f"{result['articles']} articles",
        ),
        row(
            "knowledge search p95",
            result["search_p95_ms"],
            "ms",
            "< 20",
            "top 10: BM25 over jieba tokens + annotated-question votes",
        ),
        row("train_triage", result["train_s"], "s", "< 120", "fit on the train split"),
    ]


def measure() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gonghui.knowledge import search
    from gonghui.knowledge.importer import import_laws
    from gonghui.knowledge.models import Article
    from gonghui.orgs.importers import import_beijing_tree
    from gonghui.triage import classifier, data, services, training

    import_beijing_tree()
    import_laws()
    started = time.perf_counter()
    classifier.set_model(training.train(use_corrections=False))
    train_s = time.perf_counter() - started
    texts = [r.text[:300] for r in data.split(data.real_rows())[1]] + [
        r.text for r in data.synthetic_rows()
    ]
    for t in texts[:20]:  # warm the gazetteer, the enterprise names and jieba
        services.triage(t)
    from gonghui.triage.text import words

    # Rounds of the whole text set, analyse and the bare segmenter taking turns so a
    # noisy neighbour slows both alike; the median round is reported (and the range).
    analyse_rounds, jieba_rounds = [], []
    for _ in range(9):
        started = time.perf_counter()
        for t in texts:
            services.analyse(t)
        analyse_rounds.append(len(texts) / (time.perf_counter() - started))
        started = time.perf_counter()
        for t in texts:
            words(t)
        jieba_rounds.append(len(texts) / (time.perf_counter() - started))
    analyse_per_s = percentile(sorted(analyse_rounds), 50)
    jieba_per_s = percentile(sorted(jieba_rounds), 50)
    started = time.perf_counter()
    for t in texts:
        services.triage(t)
    triage_per_s = len(texts) / (time.perf_counter() - started)
    search.search("工资", limit=10)
    times = []
    for t in texts:
        t0 = time.perf_counter()
        search.search(t, limit=10)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "texts": len(texts),
        "analyse_per_s": round(analyse_per_s),
        "analyse_range": [round(min(analyse_rounds)), round(max(analyse_rounds))],
        "jieba_per_s": round(jieba_per_s),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "triage_per_s": round(triage_per_s),
        "search_p50_ms": round(percentile(times, 50), 2),
        "search_p95_ms": round(percentile(times, 95), 2),
        "articles": Article.objects.count(),
        "train_s": round(train_s, 1),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print("RESULT " + json.dumps(measure()))
