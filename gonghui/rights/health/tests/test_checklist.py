"""The indicator tree as data: its shape, its articles exist in the knowledge base, the
score and the risk rules at their edges, and versions kept for old checks."""

from decimal import Decimal

import pytest

from gonghui.knowledge.models import Article
from gonghui.rights.health import checklist as cl
from gonghui.rights.health import services
from gonghui.rights.health.models import Checklist

pytestmark = pytest.mark.django_db


def test_it_ties_every_check_to_articles_that_exist_in_the_knowledge_base(tree):
    checks = cl.checks(tree)
    assert len(checks) == len({c["id"] for c in checks}) >= 13
    for check in checks:
        assert check["articles"], check["id"]
        for ref in check["articles"]:
            assert Article.objects.filter(
                document__stem=ref["source"], number=ref["article"]
            ).exists(), ref
    ids = {(a["source"], a["article"]) for c in checks for a in c["articles"]}
    for wanted in [
        ("labour_contract_law", 10),
        ("labour_contract_law", 82),
        ("labour_contract_law", 30),
        ("labour_law", 50),
        ("labour_law", 36),
        ("labour_law", 41),
        ("social_insurance_law", 58),
        ("labour_contract_law", 4),
    ]:
        assert wanted in ids


def _results(tree, failed=(), na=()):
    out = {c["id"]: "pass" for c in cl.checks(tree)}
    out.update({k: "fail" for k in failed})
    out.update({k: "na" for k in na})
    return out


def test_it_scores_by_weight_leaving_not_applicable_checks_out(tree):
    total = sum(c["weight"] for c in cl.checks(tree))
    assert cl.score(tree, _results(tree)) == Decimal("100.0")
    # The pregnancy check (weight 5) failed: (total - 5) / total.
    got = cl.score(tree, _results(tree, failed=["women.protection.pregnancy"]))
    assert got == (Decimal(100 * (total - 5)) / total).quantize(Decimal("0.1"))
    # Not applicable: out of both sides.
    got = cl.score(tree, _results(tree, na=["women.protection.pregnancy"]))
    assert got == Decimal("100.0")
    assert cl.score(tree, {}) is None


def test_it_applies_the_risk_rules_in_order(tree):
    assert cl.risk(tree, _results(tree)) == "low"
    # One critical failure alone is high, whatever the score.
    assert cl.risk(tree, _results(tree, failed=["contract.written.signed"])) == "high"
    # Two small failures (3 + 3 of 78): score above 85, fewer than three failures: low.
    two = ["women.protection.leave", "union.founded.funds"]
    assert cl.score(tree, _results(tree, failed=two)) >= 85
    assert cl.risk(tree, _results(tree, failed=two)) == "low"
    # A third non-critical failure makes it medium (failed_at_least: 3).
    three = [*two, "union.founded.committee"]
    assert cl.score(tree, _results(tree, failed=three)) >= 85
    assert cl.risk(tree, _results(tree, failed=three)) == "medium"
    # Below 85 on non-critical failures: medium; below 60: high.
    many = ["contract.written.terms", "hours.limits.daily", "hours.limits.overtime"]
    assert cl.score(tree, _results(tree, failed=many)) < 85
    assert cl.risk(tree, _results(tree, failed=many)) == "medium"
    noncritical = [c["id"] for c in cl.checks(tree) if c.get("severity") != "critical"]
    assert cl.score(tree, _results(tree, failed=noncritical)) < 60
    assert cl.risk(tree, _results(tree, failed=noncritical)) == "high"


def test_it_keeps_the_version_a_check_was_begun_on(enterprise, street_handler, tree):
    hc = services.create(enterprise, actor=street_handler.user)
    old = hc.checklist
    assert old.version == tree["version"]
    old.version = "2025.1"  # as if the data file had moved on since
    old.save()
    current = services.current_checklist()
    assert current.version == tree["version"] and current.pk != old.pk
    hc.refresh_from_db()
    assert hc.checklist.version == "2025.1"
    assert Checklist.objects.count() == 2
