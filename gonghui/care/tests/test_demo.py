"""The care demo loads applications in every stage, a 公示 and a flagged claim."""

import random

from gonghui.care import demo
from gonghui.care.models import Application, Claim, HardshipFile


def test_it_seeds_applications_in_every_stage(db):
    assert demo.seed(rng=random.Random(1)) == len(demo.PLAN)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {
        "draft",
        "submitted",
        "street_review",
        "district_review",
        "returned",
        "rejected",
        "publicity",
    }
    drafts = Application.objects.filter(status="draft")
    from gonghui.care.services import missing_for

    assert sorted(len(missing_for(a)) for a in drafts) == [1, 3]
    assert HardshipFile.objects.count() == 1
    assert Claim.objects.order_by("pk").last().flags[0]["code"] == "bill_already_paid"
    from gonghui.care.models import Distribution

    assert Distribution.objects.filter(campaign__kind="warmth").count() == 4
