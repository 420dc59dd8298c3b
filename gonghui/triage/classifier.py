"""The category classifier: TF-IDF over words and character pairs, logistic regression.

``train`` fits it with scikit-learn; ``Model`` keeps only the vocabulary, the idf and
the coefficients as numpy arrays, so one prediction is a dictionary look-up per
feature and one small matrix product (no scikit-learn call on the hot path).
"""

import json
import logging
import math
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

    def _split_vocabulary(self) -> tuple[dict, dict, dict, list]:
        """Return the vocabulary split by feature kind (word, pair, keyword) and the idf
        as a list: looking up raw tokens saves building a prefixed string per feature."""
        split = self.meta.get("_split")
        if split is None:
            parts: dict[str, dict] = {"w": {}, "c": {}, "k": {}}
            for feat, i in self.vocabulary.items():
                parts[feat[0]][feat[2:]] = i
            split = (parts["w"], parts["c"], parts["k"], self.idf.tolist())
            self.meta["_split"] = split
        return split

    def scores(self, text: str) -> tuple[np.ndarray, list[tuple[int, float]]]:
        """Return class probabilities and the (feature, weight) pairs that were seen.

        The same sums as ``TfidfVectorizer(analyzer=text.features, sublinear_tf=True)``
        followed by the linear model (a test checks they agree)."""
        from gonghui.triage.rules import KEYWORD_PATTERNS, KEYWORD_REPEAT

        word_vocab, pair_vocab, keyword_vocab, idf = self._split_vocabulary()
        counts: dict[int, int] = {}
        get = counts.get
        for w in tx.words(text):
            i = word_vocab.get(w)
            if i is not None:
                counts[i] = get(i, 0) + 1
        plain = "".join(tx.CJK.findall(text))
        for j in range(len(plain) - 1):
            i = pair_vocab.get(plain[j : j + 2])
            if i is not None:
                counts[i] = get(i, 0) + 1
        for category, pattern in KEYWORD_PATTERNS:
            i = keyword_vocab.get(category)
            if i is not None and pattern.search(text):
                counts[i] = get(i, 0) + KEYWORD_REPEAT
        if not counts:
            return _softmax(self.intercept.copy()), []
        idx = list(counts)
        log = math.log
        w = np.array([(1.0 + log(n)) * idf[i] for i, n in counts.items()])
        w /= math.sqrt(float(w @ w))
        logits = w @ self.coef[idx] + self.intercept
        return _softmax(logits), list(zip(idx, w.tolist(), strict=True))

    def explain(self, seen: list[tuple[int, float]], klass: int, limit: int = 5) -> list[str]:
        """Return the words that pushed hardest towards ``klass``."""
        inverse = self.meta.setdefault("_inverse", {})
        if not inverse:
            inverse.update({i: f for f, i in self.vocabulary.items()})
        ranked = sorted(seen, key=lambda p: -p[1] * self.coef[p[0], klass])
        out = []
        for i, w in ranked:
            feat = inverse[i]
            if feat.startswith("w:") and w * self.coef[i, klass] > 0:
                out.append(feat[2:])
            if len(out) == limit:
                break
        return out


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
    model.meta.pop("_inverse", None)
    model.meta.pop("_split", None)
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
