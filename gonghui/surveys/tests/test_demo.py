"""The surveys demo: a new user finds a builder-made survey with rating and matrix
answers whose results draw (cells of five or more)."""

import random

from gonghui.surveys import demo, results
from gonghui.surveys.models import Response, Survey


def test_the_demo_has_a_rating_and_matrix_survey_with_results(db, personas, monkeypatch):
    monkeypatch.setattr(demo, "RESPONSES", {"small": 200})
    counts = demo.seed(rng=random.Random(7), scale_name="small")
    survey = Survey.objects.get(title="职工驿站服务体验评价")
    assert Response.objects.filter(survey=survey).count() == 50
    assert counts["survey_responses"] == 200 + 2 * 50
    data = results.results(survey)
    by_name = {q["name"]: q for q in data["questions"]}
    assert data["responses"] == 50
    visited = by_name["used"]["counts"]["yes"]
    assert sum(n or 0 for n in by_name["stars"]["counts"].values()) <= visited
    assert any(by_name["stars"]["counts"].values())
    grid = by_name["grid"]["counts"]
    assert set(grid) == {
        f"{r}={c}" for r in ("water", "rest", "charge", "warm") for c in ("good", "ok", "bad")
    }
    assert any(grid.values())
