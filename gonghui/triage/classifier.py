"""The category classifier: TF-IDF over words and rule hints, logistic regression.

``train`` fits it with scikit-learn; ``Model`` keeps only the vocabulary, the idf and
the coefficients as numpy arrays, so one prediction is a dictionary look-up per
feature and one small matrix product (no scikit-learn call on the hot path).
"""

import json
import logging
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings

from gonghui.triage import rules
from gonghui.triage import text as tx

log = logging.getLogger(__name__)
SEED = 12351
# 2: words and rule hints (problem rules f:, h:), no character pairs; 3: the broader
# hints and the third synthetic batch of issue 12 (a saved version-2 model is retrained)
MODEL_VERSION = 3


@dataclass
class Model:
    classes: list[str]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (features, classes) so one gather + sum gives the scores
    intercept: np.ndarray
    meta: dict = field(default_factory=dict)

    def _lookup(self) -> "_Lookup":
        """Return the vocabulary arranged for scoring (built once per model)."""
        lookup = self.meta.get("_lookup")
        if lookup is None:
            lookup = _Lookup.build(self)
            self.meta["_lookup"] = lookup
        return lookup

    def scores(self, text: str) -> tuple[np.ndarray, tuple]:
        """Return class probabilities and what was seen: ``(columns, weights, words)``,
        the features found in the order they first came, the first ``words`` of them
        words in reading order, then the hints (an empty tuple when none were found).

        The same sums as ``TfidfVectorizer(analyzer=text.features, sublinear_tf=True)``
        followed by the linear model (a test checks they agree), with no scikit-learn
        and as few numpy calls as can be: words and hints are dictionary look-ups (a C
        loop over ``map``), a ``Counter`` counts them, and one gather and one product
        give the scores. Tokens outside the vocabulary are skipped without the
        stop-word filter: the vocabulary holds no stop word."""
        lk = self.meta.get("_lookup") or self._lookup()
        counts = Counter([i for i in map(lk.words.get, tx.segment(text.lower())) if i is not None])
        words = len(counts)  # the words come first, in reading order (first seen)
        for i in map(lk.hints.get, rules.hints(text)):
            if i is not None:  # a hint is never a word, so it comes after them
                counts[i] = rules.HINT_REPEAT
        if not counts:
            return _softmax(self.intercept.copy()), ()
        n = len(counts)
        idx = np.fromiter(counts, np.intp, n)
        w = np.fromiter(counts.values(), np.float64, n)
        np.log(w, out=w)
        w += 1.0
        w *= lk.idf[idx]
        w /= math.sqrt(w @ w)
        return _softmax(w @ self.coef[idx] + self.intercept), (idx, w, words)

    def explain(self, seen: tuple, klass: int, limit: int = 5) -> list[str]:
        """Return the content words that pushed hardest towards ``klass`` (ties in
        reading order: ``seen`` lists features as they first came, and the sort is
        stable). Fillers (他, 老板, 现在, 月 …: ``text.is_evidence``) are never shown,
        though the model still counts them."""
        if not seen:
            return []
        lk = self.meta.get("_lookup") or self._lookup()
        idx, w, words = seen
        idx = idx[:words]
        push = (w[:words] * self.coef[idx, klass]).tolist()
        evidence = lk.evidence
        # sorted is stable with reverse=True too: equal pushes stay in reading order
        order = sorted(range(words), key=push.__getitem__, reverse=True)
        out = []
        for j in order:
            if push[j] <= 0 or len(out) == limit:
                break
            if evidence[int(idx[j])]:
                out.append(lk.names[int(idx[j])])
        return out


@dataclass
class _Lookup:
    """A model's vocabulary arranged for scoring: word -> column, hint feature name ->
    column, the idf, and each word column's word (explanations)."""

    words: dict[str, int]
    hints: dict[str, int]
    idf: np.ndarray
    names: list[str]
    evidence: list[bool]  # per column: a word staff may be shown (not a filler)

    @classmethod
    def build(cls, model: "Model") -> "_Lookup":
        words, hints = {}, {}
        names = [""] * len(model.idf)
        for feat, i in model.vocabulary.items():
            kind, token = feat[0], feat[2:]
            if kind == "w":
                words[token] = i
                names[i] = token
            else:
                hints[feat] = i
        return cls(
            words=words,
            hints=hints,
            idf=np.asarray(model.idf, dtype=np.float64),
            names=names,
            evidence=[bool(name) and tx.is_evidence(name) for name in names],
        )


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max())
    return e / e.sum()


def fit(texts: list[str], labels: list[str], *, weights: list[float] | None = None) -> Model:
    """Fit the vectorizer and the classifier (seeded) and return the compact model."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=tx.features, sublinear_tf=True, min_df=1, norm="l2", dtype=np.float64
    )
    x = vectorizer.fit_transform(texts)
    clf = LogisticRegression(C=5.0, max_iter=3000, class_weight="balanced", random_state=SEED)
    clf.fit(x, labels, sample_weight=weights)
    return Model(
        classes=[str(c) for c in clf.classes_],
        vocabulary={k: int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=vectorizer.idf_.astype(np.float64),
        coef=np.ascontiguousarray(clf.coef_.T),
        intercept=clf.intercept_.astype(np.float64),
    )


def model_path() -> Path:
    return Path(
        getattr(settings, "TRIAGE_MODEL_PATH", settings.VAR_DIR / "triage" / "model.joblib")
    )


def save(model: Model, path: Path | None = None) -> Path:
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    model.meta.pop("_lookup", None)
    joblib.dump(model, path)
    path.with_suffix(".json").write_text(json.dumps(model.meta, ensure_ascii=False, indent=2))
    return path


def load(path: Path | None = None) -> Model | None:
    """Return the model saved at ``path``, or None if there is none of this version."""
    path = path or model_path()
    if not path.exists():
        return None
    model = joblib.load(path)
    return model if model.meta.get("version") == MODEL_VERSION else None


_lock = threading.RLock()  # get_model trains and then sets the model while holding it
_current: Model | None = None


def set_model(model: Model | None) -> None:
    """Use ``model`` in this process (tests, and ``train_triage`` after training)."""
    global _current
    with _lock:
        _current = model


def get_model() -> Model:
    """Return the process's model: loaded from var/, or trained now if there is none."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                path = model_path()
                _current = load(path)
                if _current is None:
                    from gonghui.triage.training import train_and_save

                    log.warning("no triage model at %s: training one now", path)
                    started = time.monotonic()
                    _current = train_and_save(path=path, use_corrections=False)
                    log.warning("trained in %.1f s", time.monotonic() - started)
    return _current
