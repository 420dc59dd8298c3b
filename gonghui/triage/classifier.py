"""The category classifier: TF-IDF over words and character pairs, logistic regression.

``train`` fits it with scikit-learn; ``Model`` keeps only the vocabulary, the idf and
the coefficients as numpy arrays, so one prediction is a dictionary look-up per
feature and one small matrix product (no scikit-learn call on the hot path).
"""

import json
import logging
import math
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings

from gonghui.triage import text as tx

log = logging.getLogger(__name__)
SEED = 12351
MODEL_VERSION = 1


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
        """Return class probabilities and what was seen: ``(columns, weights, first
        positions)`` of the features found (an empty tuple when none were).

        The same sums as ``TfidfVectorizer(analyzer=text.features, sublinear_tf=True)``
        followed by the linear model (a test checks they agree): words are looked up in
        a dictionary, character pairs as integers in a sorted array, and the counts
        come from one sort (no Python loop over the pairs)."""
        from gonghui.triage.rules import KEYWORD_REPEAT

        lk = self.meta.get("_lookup") or self._lookup()
        get = lk.words.get
        found = [i for i in map(get, tx.words(text)) if i is not None]
        for i, pattern in lk.keywords:
            if pattern.search(text):
                found += (i,) * KEYWORD_REPEAT
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = codes[(codes >= 0x4E00) & (codes <= 0x9FFF)].astype(np.int64)
        cols = np.array(found, dtype=np.int64)
        if len(codes) > 1 and len(lk.pair_keys):
            keys = (codes[:-1] << 16) | codes[1:]
            pos = np.searchsorted(lk.pair_keys, keys)
            pos[pos == len(lk.pair_keys)] = 0
            hit = lk.pair_keys[pos] == keys
            cols = np.concatenate((cols, lk.pair_cols[pos[hit]]))
        if not len(cols):
            return _softmax(self.intercept.copy()), ()
        order = cols.argsort(kind="stable")
        cols = cols[order]
        first = np.empty(len(cols), dtype=bool)
        first[0] = True
        np.not_equal(cols[1:], cols[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        idx = cols[starts]
        n = np.empty(len(starts), dtype=np.float64)
        n[:-1] = starts[1:]
        n[-1] = len(cols)
        n -= starts
        w = (1.0 + np.log(n)) * lk.idf[idx]
        w /= math.sqrt(float(w @ w))
        logits = w @ self.coef[idx] + self.intercept
        # order[starts]: where each feature first came (words in text order), which
        # breaks ties in the explanation as reading order does
        return _softmax(logits), (idx, w, order[starts])

    def explain(self, seen: tuple, klass: int, limit: int = 5) -> list[str]:
        """Return the words that pushed hardest towards ``klass``."""
        if not seen:
            return []
        lk = self.meta.get("_lookup") or self._lookup()
        idx, w, first = seen
        contribution = w * self.coef[idx, klass]
        keep = (contribution > 0) & lk.is_word[idx]
        idx, contribution, first = idx[keep], contribution[keep], first[keep]
        order = np.lexsort((first, -contribution))[:limit]
        return [lk.names[i] for i in idx[order].tolist()]


@dataclass
class _Lookup:
    """A model's vocabulary arranged for scoring: word -> column, the character pairs
    as sorted integer keys (two UTF-32 code points) with their columns, the keyword
    hints as (column, pattern), the idf, and each column's word (explanations)."""

    words: dict[str, int]
    pair_keys: np.ndarray
    pair_cols: np.ndarray
    keywords: list[tuple[int, re.Pattern]]
    idf: np.ndarray
    is_word: np.ndarray
    names: list[str]

    @classmethod
    def build(cls, model: "Model") -> "_Lookup":
        from gonghui.triage.rules import KEYWORD_PATTERNS

        words, pairs, keyword_cols = {}, {}, {}
        names = [""] * len(model.idf)
        is_word = np.zeros(len(model.idf), dtype=bool)
        for feat, i in model.vocabulary.items():
            kind, token = feat[0], feat[2:]
            if kind == "w":
                words[token] = i
                names[i] = token
                is_word[i] = True
            elif kind == "c":
                pairs[(ord(token[0]) << 16) | ord(token[1])] = i
            else:
                keyword_cols[token] = i
        keys = np.array(sorted(pairs), dtype=np.int64)
        return cls(
            words=words,
            pair_keys=keys,
            pair_cols=np.array([pairs[k] for k in keys.tolist()], dtype=np.int64),
            keywords=[(keyword_cols[c], p) for c, p in KEYWORD_PATTERNS if c in keyword_cols],
            idf=np.asarray(model.idf, dtype=np.float64),
            is_word=is_word,
            names=names,
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
                if path.exists():
                    loaded = joblib.load(path)
                    if loaded.meta.get("version") == MODEL_VERSION:
                        _current = loaded
                if _current is None:
                    from gonghui.triage.training import train_and_save

                    log.warning("no triage model at %s: training one now", path)
                    started = time.monotonic()
                    _current = train_and_save(path=path, use_corrections=False)
                    log.warning("trained in %.1f s", time.monotonic() - started)
    return _current
