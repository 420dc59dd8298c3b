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


def test_it_skips_members_who_are_not_in_good_standing(db):
    # The members demo lapses some members; relief is refused to them (not_eligible), so
    # the care demo must take only active ones even when a lapsed one sorts first.
    from datetime import date

    from gonghui.members.models import Member
    from gonghui.members.testing import make_id_number
    from gonghui.orgs.choices import OrgKind
    from gonghui.orgs.models import Org

    demo.seed(rng=random.Random(1))  # makes the demo union and its nine members
    union = Org.objects.get(name="示范物流公司工会", kind=OrgKind.GRASSROOTS)
    Member.objects.create(
        name="甲某",
        id_number=make_id_number(499, region="110105"),
        gender="male",
        birth_date=date(1980, 1, 1),
        org=union,
        member_number="DEMOCARE000A",  # sorts among the first nine
        joined_on=date(2015, 6, 1),
        status="lapsed",
    )
    demo.clear()
    assert demo.seed(rng=random.Random(1)) == len(demo.PLAN)
    assert not Application.objects.filter(member__name="甲某").exists()
    assert Application.objects.filter(member__isnull=False).count() == len(demo.PLAN)
