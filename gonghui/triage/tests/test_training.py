import json

import pytest
from django.core.management import call_command

from gonghui.triage import classifier, data


def test_it_keeps_a_fixed_split_and_never_trains_on_test_rows():
    real = data.real_rows()
    train, test = data.split(real)
    assert len(test) == 193 and len(train) + len(test) == len(real) == 772
    assert not {r.id for r in train} & {r.id for r in test}
    # The stored split is the one the seeded rule gives.
    assert set(data.make_split(real)) == {r.id for r in test}
    syn_train, syn_test = data.split(data.synthetic_rows())
    assert len(syn_test) == 51
    assert {r.category for r in syn_test} >= {"membership", "hardship", "gig", "women"}


def test_it_maps_the_weak_labels_to_the_taxonomy():
    from gonghui.appeals.choices import Category

    assert {c for c in data.WEAK_LABELS.values() if c} <= set(Category.values)
    assert {r.category for r in data.real_rows()} == {
        "wages",
        "hours",
        "social_insurance",
        "injury",
        "dismissal",
        "contract",
        "procedure",
    }


@pytest.mark.django_db
def test_it_trains_writes_and_loads_the_model(settings, tmp_path, triage_model):
    settings.TRIAGE_MODEL_PATH = tmp_path / "triage" / "model.joblib"
    call_command("train_triage", "--no-corrections", verbosity=0)
    meta = json.loads((tmp_path / "triage" / "model.json").read_text())
    assert len(meta["data_sha256"]) == 64
    assert meta["rows"]["real_train"] == 579 and meta["seed"] == 12351
    assert meta["metrics"]["real_test"]["macro_f1"] >= 0.85  # issue 4's target (seeded)
    # The same data gives the same hash (seeded, reproducible).
    assert meta["data_sha256"] == triage_model.meta["data_sha256"]
    try:
        classifier.set_model(None)
        loaded = classifier.get_model()
        assert loaded.meta["data_sha256"] == meta["data_sha256"]
        assert loaded.classes == triage_model.classes
    finally:
        classifier.set_model(triage_model)
    written = settings.TRIAGE_MODEL_PATH.stat().st_mtime_ns
    call_command("train_triage", "--if-missing", verbosity=0)  # exists: nothing to do
    assert settings.TRIAGE_MODEL_PATH.stat().st_mtime_ns == written
    # A model of an older version counts as missing: --if-missing trains a new one.
    old = classifier.load(settings.TRIAGE_MODEL_PATH)
    old.meta["version"] = classifier.MODEL_VERSION - 1
    classifier.save(old, settings.TRIAGE_MODEL_PATH)
    assert classifier.load(settings.TRIAGE_MODEL_PATH) is None
    call_command("train_triage", "--if-missing", "--no-corrections", verbosity=0)
    assert classifier.load(settings.TRIAGE_MODEL_PATH).meta["version"] == classifier.MODEL_VERSION


@pytest.mark.django_db
def test_it_trains_a_model_on_first_use_when_there_is_no_file(settings, tmp_path, triage_model):
    settings.TRIAGE_MODEL_PATH = tmp_path / "none" / "model.joblib"
    try:
        classifier.set_model(None)
        model = classifier.get_model()  # must not wait on its own lock
        assert model.meta["data_sha256"] == triage_model.meta["data_sha256"]
        assert settings.TRIAGE_MODEL_PATH.exists()
    finally:
        classifier.set_model(triage_model)


@pytest.mark.django_db
def test_it_imports_the_laws_once_with_if_empty():
    from gonghui.knowledge.models import Article

    before = Article.objects.count()
    call_command("import_laws", "--if-empty", verbosity=0)
    call_command("import_laws", verbosity=0)
    assert Article.objects.count() == before == 1513


def test_it_scores_exactly_as_the_scikit_learn_pipeline(triage_model):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from gonghui.triage import text as tx

    _train, real_test = data.split(data.real_rows())
    texts = [r.text for r in data.synthetic_rows()[:40] + real_test[:40]] + [
        "",
        "hello",
        "工",
        "工资工资工资",
        "我在ABC公司，欠薪 3 个月 \ud800 工资",  # a lone surrogate, as JSON allows
        "会员卡在哪里办？入会要交会费吗",
    ]
    vectorizer = TfidfVectorizer(analyzer=tx.features, sublinear_tf=True)
    vectorizer.vocabulary_ = {k: v for k, v in triage_model.vocabulary.items()}
    vectorizer.idf_ = triage_model.idf
    x = vectorizer.transform(texts).toarray()
    logits = x @ triage_model.coef + triage_model.intercept
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    got = np.array([triage_model.scores(t)[0] for t in texts])
    assert np.allclose(got, expected, atol=1e-9)


def test_its_explanation_lists_the_words_that_pushed_towards_the_class(triage_model):
    probs, seen = triage_model.scores("包工头拖欠工资三个月，工资一分没发")
    top = int(probs.argmax())
    words = triage_model.explain(seen, top)
    assert triage_model.classes[top] == "wages"
    assert "工资" in words and len(words) <= 5
    columns = [triage_model.vocabulary[f"w:{w}"] for w in words]
    idx, weights, _words = seen
    pushes = [float(weights[list(idx).index(c)] * triage_model.coef[c, top]) for c in columns]
    assert all(p > 0 for p in pushes) and pushes == sorted(pushes, reverse=True)
    assert triage_model.explain((), top) == []


def test_the_compiled_segmenter_cuts_as_jieba_does():
    import jieba

    from gonghui.triage import text as tx

    for term in tx.LABOUR_TERMS:
        jieba.add_word(term, freq=tx.LABOUR_TERM_FREQ)
    texts = [r.text.lower() for r in data.real_rows()[:300] + data.synthetic_rows()]
    assert len(texts) > 300
    differ = [t for t in texts if jieba.lcut(t, HMM=False) != tx.segment(t)]
    assert differ == []


def test_its_evidence_words_are_content_words(triage_model):
    from gonghui.triage import text as tx

    texts = [r.text for r in data.synthetic_rows()] + [
        "他现在每个月都被老板扣工资，路上还摔伤了",
        "老板说这个月的工资下个月再发，他们都没拿到",
    ]
    shown = set()
    for text in texts:
        probs, seen = triage_model.scores(text)
        words = triage_model.explain(seen, int(probs.argmax()))
        assert all(tx.is_evidence(w) for w in words), (text, words)
        shown |= set(words)
    assert not shown & {"他", "老板", "现在", "月", "路", "公司", "我们"}
    assert len(shown) > 100  # the filter leaves the words that say something
    probs, seen = triage_model.scores("他现在每个月都被老板扣工资，路上还摔伤了")
    assert "工资" in triage_model.explain(seen, triage_model.classes.index("wages"))
