"""BM25 (bm25s) over jieba tokens of every article, case and curated answer.

The index is built once per process and rebuilt when the knowledge base changes
(a cheap version query per search). Worker words are expanded with the words the laws
use (``thesaurus.json``: 欠薪 → 拖欠 支付劳动报酬 工资), and the articles workers ask
about most carry a topic line (``topics.json``), so a worker's question finds the
article. Priors (the votes of similar annotated questions and their laws) only
reorder articles whose own words match the question: an article with no word of the
question (or of its thesaurus expansion) gets no prior, whatever its popularity.
"""

import re
import threading
from dataclasses import dataclass, field

import bm25s
import numpy as np
from django.db.models import Count, Max

from gonghui.core.text import words
from gonghui.knowledge import thesaurus
from gonghui.knowledge.models import Answer, Article


@dataclass(frozen=True)
class Hit:
    article_id: int | None
    answer_id: int | None
    source: str
    law: str
    article: str
    text: str
    score: float
    citation: str


def tokens(text: str) -> list[str]:
    return words(text)


# Durations and counts ("三个月", "两年") say little about which law applies and pull
# in the articles that happen to name the same span (probation periods).
QUANTITY = re.compile(r"^[一二三四五六七八九十两几半多0-9]+(个)?(月|年|天|周|次|倍|小时)?$")


# Question boilerplate: words every question has, naming no law (请问, 怎么办, 我 …).
BOILERPLATE = frozenset(
    [
        "请问",
        "请教",
        "咨询",
        "问",
        "一下",
        "怎么办",
        "怎么",
        "怎样",
        "如何",
        "是否",
        "可以",
        "能否",
        "能",
        "吗",
        "呢",
        "吧",
        "啊",
        "我",
        "我们",
        "你",
        "您",
        "他",
        "她",
        "的",
        "了",
        "是",
        "有",
        "在",
        "和",
        "与",
        "及",
        "或",
        "这",
        "那",
        "个",
        "什么",
        "哪些",
        "应该",
        "需要",
        "谢谢",
        "情况",
        "问题",
    ]
)
STRIP_BOILERPLATE = True


def query_tokens(text: str) -> list[str]:
    """The question's own words (no boilerplate, no durations), then the statute words
    of the thesaurus entries whose worker words occur in it (each token once)."""
    base = [
        w
        for w in tokens(text)
        if not QUANTITY.match(w) and not (STRIP_BOILERPLATE and w in BOILERPLATE)
    ]
    seen = set(base)
    expanded = list(base)
    for t in thesaurus.expander().expand(text.lower()):
        if t not in seen:
            seen.add(t)
            expanded.append(t)
    return expanded


@dataclass
class _Index:
    version: tuple
    retriever: bm25s.BM25 | None
    rows: list[Hit]
    # The annotated-questions mini-index (doc2query-style): training questions only,
    # each voting for the rows of the articles it cites. Only the ids and the votes
    # are kept; the question texts are tokenised and dropped.
    questions: bm25s.BM25 | None = None
    votes: list[list[int]] = field(default_factory=list)
    question_ids: frozenset = frozenset()
    # A curated answer gets the best vote of the articles it cites (so the answer a
    # union wrote is not pushed below the article it rests on).
    answer_refs: list[tuple[int, list[int]]] = field(default_factory=list)
    # Law number of each row (0: cases and answers) and the laws each question cites.
    law_of_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    question_laws: list[list[int]] = field(default_factory=list)
    law_count: int = 0
    # Each token of a row's own words (its text and topic line, not the law's title or
    # the chapter) -> the rows holding it: which rows a query's words match at all.
    postings: dict[str, np.ndarray] = field(default_factory=dict)

    def matching(self, qt: list[str]) -> np.ndarray:
        """A mask of the rows whose own words hold at least one of ``qt``."""
        mask = np.zeros(len(self.rows), dtype=bool)
        for t in set(qt):
            rows = self.postings.get(t)
            if rows is not None:
                mask[rows] = True
        return mask


# A query's VOTE_TOP nearest annotated questions vote (by their BM25 score relative to
# the best one) for the articles they cite; the votes, scaled to the best article's
# votes, multiply the article's BM25 score (scaled to the best one) by up to
# 1 + VOTE_WEIGHT, and only for articles whose own words match the query: a prior
# reorders what the question says, it never lifts an article the question does not name.
VOTE_TOP = 5
VOTE_WEIGHT = 3.0
# The same votes, summed per law (each question counts once per law it cites), give
# every matching article of those laws a smaller factor: the law is found more often
# than the article (tuning folds, issue 12: 0.489 -> 0.510).
LAW_VOTE_WEIGHT = 0.2


_lock = threading.Lock()
_index: _Index | None = None


def _version() -> tuple:
    a = Article.objects.aggregate(n=Count("id"), last=Max("document__imported_at"))
    q = Answer.objects.filter(active=True).aggregate(n=Count("id"), last=Max("updated_at"))
    return (a["n"], a["last"], q["n"], q["last"])


def _build(version: tuple, *, annotated: list | None = None) -> _Index:
    """Build the index; ``annotated`` are the questions to expand with (default: the
    train part of the fixed split, :func:`annotated.training_rows`)."""
    from gonghui.knowledge import annotated as annotated_mod

    rows: list[Hit] = []
    position: dict[tuple[str, int], int] = {}
    corpus: list[list[str]] = []
    own: list[set[str]] = []
    topic_lines = thesaurus.topics()
    for art in Article.objects.select_related("document").order_by("document__stem", "number"):
        doc = art.document
        position[(doc.stem, art.number)] = len(rows)
        rows.append(
            Hit(art.pk, None, doc.stem, doc.title, art.label, art.text, 0.0, art.citation())
        )
        # The law's title and the chapter heading say what an article is about (and
        # questions often name the law; measured: without them recall@5 drops). The
        # topic line (条旨) says it in a worker's words.
        topic = topic_lines.get((doc.stem, art.number), "")
        corpus.append(tokens(f"{doc.title} {art.chapter} {topic} {art.text}"))
        own.append(set(tokens(f"{topic} {art.text}")))
    answer_refs: list[tuple[int, list[int]]] = []
    for ans in (
        Answer.objects.filter(active=True).prefetch_related("articles__document").order_by("pk")
    ):
        cited = [
            position[(a.document.stem, a.number)]
            for a in ans.articles.all()
            if (a.document.stem, a.number) in position
        ]
        if cited:
            answer_refs.append((len(rows), cited))
        rows.append(Hit(None, ans.pk, "qa", ans.question, "问答", ans.answer, 0.0, ans.answer))
        corpus.append(tokens(f"{ans.question} {ans.question} {ans.answer}"))
        own.append(set(corpus[-1]))
    retriever = None
    if corpus:
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
    if annotated is None:
        annotated = annotated_mod.training_rows()
    q_corpus, votes, ids = [], [], []
    for row in annotated:
        cited = sorted(position[key] for key in row.statutes if key in position)
        q_tokens = tokens(row.question)
        if cited and q_tokens:
            q_corpus.append(q_tokens)
            votes.append(cited)
            ids.append(row.id)
    questions = None
    if q_corpus:
        questions = bm25s.BM25()
        questions.index(q_corpus, show_progress=False)
    laws = {stem: n for n, stem in enumerate(sorted({h.source for h in rows if h.article_id}), 1)}
    law_of_row = np.array(
        [laws.get(h.source, 0) if h.article_id else 0 for h in rows], dtype=np.int64
    )
    question_laws = [sorted({int(law_of_row[i]) for i in cited}) for cited in votes]
    holders: dict[str, list[int]] = {}
    for i, words_of_row in enumerate(own):
        for t in words_of_row:
            holders.setdefault(t, []).append(i)
    postings = {t: np.array(r, dtype=np.intp) for t, r in holders.items()}
    return _Index(
        version,
        retriever,
        rows,
        questions,
        votes,
        frozenset(ids),
        answer_refs,
        law_of_row,
        question_laws,
        len(laws),
        postings,
    )


def build_index(*, annotated: list) -> _Index:
    """An index expanded with exactly these annotated questions (for evaluation folds)."""
    return _build(_version(), annotated=annotated)


def _get() -> _Index:
    global _index
    version = _version()
    if _index is None or _index.version != version:
        with _lock:
            if _index is None or _index.version != version:
                _index = _build(version)
    return _index


def search(
    q: str, *, limit: int = 10, kinds: set[str] | None = None, index: _Index | None = None
) -> list[Hit]:
    """Return the best ``limit`` articles, cases and answers for the question (never an
    annotated question: those only vote for the articles they cite)."""
    index = index or _get()
    qt = query_tokens(q or "")
    if index.retriever is None or not qt:
        return []
    scores = _scores(index, qt)
    order = np.argsort(-scores)
    hits = []
    for i in order[: limit * 3]:
        score = float(scores[i])
        if score <= 0:
            break
        row = index.rows[int(i)]
        if kinds is not None and _kind(row) not in kinds:
            continue
        hits.append(Hit(**{**row.__dict__, "score": round(score, 4)}))
        if len(hits) == limit:
            break
    return hits


def _kind(row: Hit) -> str:
    if row.answer_id is not None:
        return "qa"
    return "case" if row.source.startswith("case_") else "law"


def _scores(index: _Index, qt: list[str]) -> np.ndarray:
    scores = np.asarray(index.retriever.get_scores(qt), dtype=np.float64)
    best = scores.max() if len(scores) else 0.0
    if best <= 0:
        return scores
    combined = scores / best
    if index.questions is None or VOTE_WEIGHT <= 0:
        return combined
    q_scores = np.asarray(index.questions.get_scores(qt), dtype=np.float64)
    top = np.argsort(-q_scores)[:VOTE_TOP]
    q_best = q_scores[top[0]] if len(top) else 0.0
    if q_best <= 0:
        return combined
    votes = np.zeros(len(scores))
    law_votes = np.zeros(index.law_count + 1)
    for j in top:
        if q_scores[j] <= 0:
            break
        votes[index.votes[j]] += q_scores[j] / q_best
        law_votes[index.question_laws[j]] += q_scores[j] / q_best
    law_part = law_votes[index.law_of_row] / law_votes.max()
    for row, cited in index.answer_refs:
        votes[row] = votes[cited].max()
        law_part[row] = law_part[cited].max()
    factor = 1.0 + VOTE_WEIGHT * votes / votes.max() + LAW_VOTE_WEIGHT * law_part
    # No word of the question in the row's own text: no prior (its title may match).
    factor[~index.matching(qt)] = 1.0
    return combined * factor
