"""The annotated-question expansion: trained on the split's train rows only, evaluated
on held-out rows only, and never showing a real question as a result."""

import pytest

from benchmarks import evaluate
from gonghui.knowledge import annotated, search
from gonghui.triage import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def every():
    rows = annotated.rows()
    if not rows:
        pytest.skip("labour_qa.jsonl not available")
    return rows


def test_it_reads_the_annotated_statutes_that_exist_in_the_laws(every):
    lecoqa = annotated.rows(answers=False)
    assert len(lecoqa) == 82 and all(r.id.startswith("lecoqa") for r in lecoqa)
    # Human answers that cite articles add silver-labelled questions (lawyers, replies).
    cited = [r for r in every if not r.id.startswith("lecoqa")]
    assert len(cited) >= 80
    assert {r.id.split("-")[0] for r in cited} <= {"lawbench38", "tipdm2020c"}
    assert all(r.statutes for r in every)
    stems = {stem for r in every for stem, _number in r.statutes}
    assert "labour_contract_law" in stems
    # A row naming 社会保险法第六十条 maps to the imported article.
    assert any(("social_insurance_law", 60) in r.statutes for r in every)


def test_the_live_index_holds_train_rows_only(every):
    index = search._get()
    test = data.test_ids()
    assert index.question_ids, "the live search should be expanded"
    assert not index.question_ids & test
    assert index.question_ids == {r.id for r in every if r.id not in test}
    assert len(index.votes) == len(index.question_ids)


def test_each_evaluation_fold_is_searched_without_its_own_rows(every):
    folds = evaluate.statute_folds(every)
    assert sorted(r.id for f in folds for r in f) == sorted(r.id for r in every)
    for fold in folds:
        held = {r.id for r in fold}
        index = search.build_index(annotated=[r for r in every if r.id not in held])
        assert index.question_ids and not index.question_ids & held
    # The evaluation refuses an index that holds a row it is asked to evaluate.
    with pytest.raises(AssertionError):
        evaluate.statute_figures(every[:1], search.build_index(annotated=every[:1]))


def test_a_training_question_votes_for_its_cited_articles(every):
    train = [r for r in every if r.id not in data.test_ids()]
    row = train[0]
    bare = search.build_index(annotated=[])
    expanded = search.build_index(annotated=train)
    found = {
        (h.source, evaluate._number(h.article))
        for h in search.search(row.question, limit=5, kinds={"law"}, index=expanded)
    }
    assert found & row.statutes
    assert not bare.question_ids and not bare.votes


def test_results_never_include_a_real_question(every, city_admin):
    for row in every:
        question = row.question.strip()
        for hit in search.search(question, limit=10):
            assert hit.article_id is not None or hit.answer_id is not None
            for value in (hit.law, hit.article, hit.text, hit.citation):
                assert question not in value
    for row in every[:10]:
        body = city_admin.api().get(
            "/api/v1/knowledge/search", {"q": row.question[:500], "limit": 50}
        )
        assert body.status_code == 200
        assert row.question.strip() not in body.content.decode()
