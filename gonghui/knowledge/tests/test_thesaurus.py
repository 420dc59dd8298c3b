"""The thesaurus (worker words to statute words) and the topic lines: every entry
points at words that are in the article it names, and the worker word alone finds it;
and the ranking: a prior never lifts an article the question does not name."""

import pytest

from benchmarks import evaluate
from gonghui.knowledge import annotated, search, thesaurus
from gonghui.knowledge.models import Article
from gonghui.triage.text import words

pytestmark = pytest.mark.django_db

ENTRIES = thesaurus.entries()


def _article(key: tuple[str, int]) -> Article:
    return Article.objects.select_related("document").get(document__stem=key[0], number=key[1])


def _found(question: str, key: tuple[str, int], limit: int) -> bool:
    hits = search.search(question, limit=limit, kinds={"law"})
    return key in {(h.source, evaluate._number(h.article)) for h in hits}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.words[0] for e in ENTRIES])
def test_each_thesaurus_entry_reaches_its_article(entry):
    assert entry.article is not None and entry.words and entry.statute
    article = _article(entry.article)
    own = set(words(article.text)) | set(words(thesaurus.topics().get(entry.article, "")))
    statute = words(entry.statute)
    # The statute words are the article's words: the expansion can match it.
    assert statute and all(t in own for t in statute), [t for t in statute if t not in own]
    # Each worker word is expanded to them, and the first one alone finds the article.
    for w in entry.words:
        assert set(statute) <= set(search.query_tokens(w)), w
    assert _found(entry.words[0], entry.article, limit=10)


def test_no_worker_word_is_listed_twice():
    seen = [w for e in ENTRIES for w in e.words]
    assert len(seen) == len(set(seen))


def test_topic_lines_name_existing_articles_and_are_short():
    topics = thesaurus.topics()
    assert len(topics) >= 100
    have = set(Article.objects.values_list("document__stem", "number"))
    assert set(topics) <= have
    assert all(0 < len(line) <= 40 for line in topics.values())


def test_a_popular_article_with_no_word_of_the_question_never_enters_the_top_five():
    # 劳动合同法第二十六条 (invalid contracts) made as popular as can be: every training
    # question about unpaid wages votes for it alone, and the law prior follows.
    popular = ("labour_contract_law", 26)
    question = "老板拖欠工资三个月不发怎么办"
    qt = search.query_tokens(question)
    text = set(words(_article(popular).text))
    assert not text & set(qt)  # it holds no word of the question
    voters = [
        annotated.Annotated(f"fake-{i}", f"{question} {extra}", frozenset([popular]))
        for i, extra in enumerate(["工资", "拖欠", "不发工资", "欠薪", "工钱", "老板"])
    ]
    index = search.build_index(annotated=voters)
    for q in (question, "工资被拖欠了", "欠薪", "老板不发工资"):
        top5 = [
            (h.source, evaluate._number(h.article))
            for h in search.search(q, limit=5, kinds={"law"}, index=index)
        ]
        assert popular not in top5, q
    # The same votes do lift an article that matches: 第三十条 (pay in full and on time).
    matching = ("labour_contract_law", 30)
    voters = [annotated.Annotated(v.id, v.question, frozenset([matching])) for v in voters]
    index = search.build_index(annotated=voters)
    hits = search.search(question, limit=5, kinds={"law"}, index=index)
    assert (hits[0].source, evaluate._number(hits[0].article)) == matching


def test_the_notice_items_are_articles_search_finds():
    key = ("monthly_working_days_wage_conversion_notice", 2)
    assert "21.75" in _article(key).text
    assert _found("日工资", key, limit=5)
