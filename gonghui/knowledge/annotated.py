"""Annotated questions: real questions whose statutes an expert named (lecoqa) or a
human answer cites (a lawyer's or an official reply's 《…》第X条; silver labels).

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
# Human answers that cite articles: "《劳动合同法》第三十八条" (lawyers on 66law.cn, the
# official replies of the petition platform). Their citations are silver labels: a
# lawyer names the article the answer rests on, not every article that applies.
CITED = re.compile(
    r"《\s*(?:中华人民共和国)?([^》]{2,30}?)\s*》\s*第([零一二两三四五六七八九十百千]+)条"
)
ANSWER_SOURCES = {"lawbench_3-8", "tipdm2020c_sheet4"}


@dataclass(frozen=True)
class Annotated:
    id: str
    question: str
    statutes: frozenset  # of (document stem, article number) present in the database


def rows(*, exclude: set[str] | frozenset = frozenset(), answers: bool = True) -> list[Annotated]:
    """Return the real questions with the articles that answer them, where those exist
    in the imported laws, leaving out the ids in ``exclude``: the lecoqa rows' expert
    statutes and (``answers``) the articles human answers cite (``ANSWER_SOURCES``)."""
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
            if r["id"] in exclude:
                continue
            wanted = set()
            if r["source"] == "lecoqa":
                origin = r.get("source_label_origin") or ""
                parts = origin.split("statutes:")[1].split(";") if "statutes:" in origin else []
                found = [m.groups() for m in map(STATUTE.match, parts) if m]
            elif r["source"] in ANSWER_SOURCES and answers:
                found = CITED.findall(r.get("answer") or "")
            else:
                continue
            for name, number in found:
                stem = by_name.get(name.strip())
                key = (stem, chinese_number(number))
                if stem and key in have:
                    wanted.add(key)
            if wanted:
                out.append(Annotated(r["id"], r["question"], frozenset(wanted)))
    return out


def training_rows() -> list[Annotated]:
    """The rows the live search may learn from: the train part of the fixed split."""
    from gonghui.triage import data

    return rows(exclude=data.test_ids())
