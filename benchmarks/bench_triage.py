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
        row(
            "triage: analyse, 220,000 enterprises",
            result["city"]["analyse_per_s"],
            "calls/s",
            ">= 5000",
            f"the same texts ({result['city']['texts_naming_a_company']} name a company) "
            "against a city-scale register; median of 3 rounds",
        ),
        row(
            "employer match, 220,000 enterprises",
            result["city"]["match_ms"],
            "ms",
            "",
            f"fragments of registered names; register built in {result['city']['build_s']} s",
        ),
        row("train_triage", result["train_s"], "s", "< 120", "fit on the train split"),
    ]


REGISTRY = 220_000  # the city-scale demo's enterprises
POOL = (
    "华泰通安达顺丰盛鑫源宏伟恒瑞祥和兴旺东方北海天地金银龙凤嘉禾博远智联创新信诚德仁中科"
    "京津冀燕山长城明月星辰海洋森林雅琪美佳卓越腾飞永昌富贵吉利康健德胜安泰"
)
INDUSTRIES = [
    "科技", "物流", "商贸", "建筑工程", "餐饮管理", "信息技术", "文化传媒", "物业管理",
    "电子", "机械设备", "家政服务", "快递", "劳务派遣", "人力资源", "装饰工程",
]  # fmt: skip


def registry_names(n: int, seed: int = 12351) -> list[str]:
    """Distinct made-up registered names in the shape of Beijing's (trade name from a
    small pool of characters, industry, suffix), denser in shared pairs than the real
    register, so the fuzzy match's filter has more to do than it would."""
    import random

    rng, seen, names = random.Random(seed), set(), []
    while len(names) < n:
        name = (
            ("北京" if rng.random() < 0.3 else "")
            + "".join(rng.choice(POOL) for _ in range(rng.randint(2, 4)))
            + rng.choice(INDUSTRIES)
            + rng.choice(["", "发展", "服务"])
            + rng.choice(["有限公司", "有限责任公司", "股份有限公司", "集团", "公司"])
        )
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def per_second(fn, texts: list[str]) -> float:
    """Return how many texts ``fn`` takes per second, over one pass of them all."""
    started = time.perf_counter()
    for t in texts:
        fn(t)
    return len(texts) / (time.perf_counter() - started)


def registry_rounds(texts: list[str]) -> dict:
    """``analyse`` with a city-scale enterprise register in the process (built in
    memory as the process builds it from the database), and the match alone."""
    from gonghui.triage import employers, services

    names = registry_names(REGISTRY)
    started = time.perf_counter()
    registry = employers._Registry.build(list(enumerate(names, start=1)))
    build_s = time.perf_counter() - started
    employers._cache.put(registry)
    named = [t for t in texts if employers.mentions(t)]
    rounds = [per_second(services.analyse, texts) for _ in range(3)]
    queries = [names[i][2:9] for i in range(0, REGISTRY, REGISTRY // 300)]  # name fragments
    started = time.perf_counter()
    for q in queries:
        employers.match(q)
    match_ms = (time.perf_counter() - started) / len(queries) * 1000
    employers.clear_cache()
    return {
        "analyse_per_s": round(percentile(sorted(rounds), 50)),
        "texts_naming_a_company": len(named),
        "match_ms": round(match_ms, 2),
        "build_s": round(build_s, 1),
    }


def measure() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gonghui.appeals import routing
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
        routing.triage(t)
    from gonghui.core.text import words

    # Rounds of the whole text set, analyse and the bare segmenter taking turns so a
    # noisy neighbour slows both alike; the median round is reported (and the range).
    analyse_rounds, jieba_rounds = [], []
    for _ in range(9):
        analyse_rounds.append(per_second(services.analyse, texts))
        jieba_rounds.append(per_second(words, texts))
    analyse_per_s = percentile(sorted(analyse_rounds), 50)
    jieba_per_s = percentile(sorted(jieba_rounds), 50)
    triage_per_s = per_second(routing.triage, texts)
    city = registry_rounds(texts)
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
        "city": city,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print("RESULT " + json.dumps(measure()))
