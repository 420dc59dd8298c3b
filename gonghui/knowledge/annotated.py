"""Annotated questions (lecoqa): real questions whose statutes an expert named.

They serve twice: as the evaluation set of ``make eval`` (statute recall@5), and as a
doc2query-style expansion of the search: the questions of the TRAIN part of the fixed
split (``gonghui/triage/data/split.json``) form a small second index, and a query's
nearest training questions vote for the articles they cite. The questions are read
from ``SHARED_DATA_DIR/appeals/labour_qa.jsonl`` at index time, never copied into the
repository and never shown: search results are only articles, cases and curated
answers (the questions contain real names).
"""

import json
import re
from dataclasses import dataclass

from gonghui.knowledge.importer import chinese_number

STATUTE = re.compile(r"\s*(.+?)第([零一二两三四五六七八九十百千]+)条")


@dataclass(frozen=True)
class Annotated:
    id: str
    question: str
    statutes: frozenset  # of (document stem, article number) present in the database


def rows(*, exclude: set[str] | frozenset = frozenset()) -> list[Annotated]:
    """Return the lecoqa rows whose annotated statutes exist in the imported laws,
    leaving out the ids in ``exclude``."""
    from gonghui.knowledge.models import Article, Document
    from gonghui.triage import data

    by_name = {}
    for doc in Document.objects.filter(kind="law"):
        by_name[doc.title] = doc.stem
        by_name[doc.title.removeprefix("中华人民共和国")] = doc.stem
    have = set(Article.objects.values_list("document__stem", "number"))
    out = []
    path = data.real_path()
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["source"] != "lecoqa" or r["id"] in exclude:
                continue
            origin = r.get("source_label_origin") or ""
            if "statutes:" not in origin:
                continue
            wanted = set()
            for part in origin.split("statutes:")[1].split(";"):
                m = STATUTE.match(part)
                if m and m.group(1) in by_name:
                    key = (by_name[m.group(1)], chinese_number(m.group(2)))
                    if key in have:
                        wanted.add(key)
            if wanted:
                out.append(Annotated(r["id"], r["question"], frozenset(wanted)))
    return out


def training_rows() -> list[Annotated]:
    """The rows the live search may learn from: the train part of the fixed split."""
    from gonghui.triage import data

    return rows(exclude=data.test_ids())
