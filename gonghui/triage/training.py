"""Train the category classifier from the real train rows, our synthetic examples and
the dispatchers' corrections; record the data hash and the test metrics with it."""

import logging
from pathlib import Path

from django.db import DatabaseError
from django.utils import timezone

from gonghui.triage import classifier, data

log = logging.getLogger(__name__)
CORRECTION_WEIGHT = 2.0  # a dispatcher's correction is a checked label


def correction_rows() -> list[tuple[str, str]]:
    """Return (appeal text, corrected category) of every stored category correction."""
    from gonghui.triage.models import Correction

    try:
        return [
            (c.appeal.text, c.new_value)
            for c in Correction.objects.filter(field=Correction.Field.CATEGORY).select_related(
                "appeal"
            )
        ]
    except DatabaseError:
        return []


def macro_f1(truth: list[str], predicted: list[str]) -> tuple[float, dict]:
    from sklearn.metrics import classification_report, f1_score

    labels = sorted(set(truth))
    report = classification_report(
        truth, predicted, labels=labels, output_dict=True, zero_division=0
    )
    return float(f1_score(truth, predicted, labels=labels, average="macro")), report


def train(*, use_corrections: bool = True, progress=None) -> classifier.Model:
    real_train, real_test = data.split(data.real_rows())
    syn_train, syn_test = data.split(data.synthetic_rows())
    pairs = [(r.text, r.category) for r in real_train + syn_train]
    weights = [1.0] * len(pairs)
    corrections = correction_rows() if use_corrections else []
    pairs += corrections
    weights += [CORRECTION_WEIGHT] * len(corrections)
    if progress:
        progress(f"training on {len(pairs)} rows ({len(corrections)} corrections)")
    model = classifier.fit([t for t, _ in pairs], [c for _, c in pairs], weights=weights)
    metrics = {}
    for name, rows in (("real_test", real_test), ("synthetic_test", syn_test)):
        predicted = [model.classes[int(model.scores(r.text)[0].argmax())] for r in rows]
        f1, report = macro_f1([r.category for r in rows], predicted)
        metrics[name] = {"rows": len(rows), "macro_f1": round(f1, 4)}
    model.meta = {
        "version": classifier.MODEL_VERSION,
        "seed": classifier.SEED,
        "trained_at": timezone.now().isoformat(),
        "data_sha256": data.digest(pairs),
        "rows": {
            "real_train": len(real_train),
            "synthetic_train": len(syn_train),
            "corrections": len(corrections),
        },
        "classes": model.classes,
        "metrics": metrics,
    }
    return model


def train_and_save(*, path: Path | None = None, use_corrections: bool = True, progress=None):
    model = train(use_corrections=use_corrections, progress=progress)
    classifier.save(model, path)
    classifier.set_model(model)
    return model
