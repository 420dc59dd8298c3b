"""The three rates, the score and the ranking, on a hand-made set of appeals."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gonghui.appeals import metrics, services
from gonghui.appeals.models import Appeal, DailyStat
from gonghui.orgs.models import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")
D0, D1 = date(2026, 3, 2), date(2026, 3, 3)  # Monday, Tuesday
TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"

pytestmark = pytest.mark.django_db


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def stats() -> set[tuple]:
    return set(DailyStat.objects.values_list("org_id", "org_path", "day", *metrics.FIELDS))


@pytest.fixture
def wangjing() -> Org:
    return Org.objects.get(admin_code="110105026")


@pytest.fixture
def handmade(personas, unionised_employer, wangjing):
    """Five appeals of 望京 dispatched Monday 09:00 (contact due Tuesday 09:00), one
    of another 朝阳区 street, each through the services so the roll-up is incremental.

    a1  contacted Mon 10:00 (on time), rated Mon 15:00: solved, satisfied
    a2  contacted Mon 11:00 (on time), rated Mon 15:00: solved, basically satisfied
    a3  contacted Mon 12:00, rated Mon 15:00: not solved, unsatisfied -> reopened, contact
        now due Tue 15:00; contacted again Tue 10:00 (on time)
    a4  contacted Tue 10:00 (late), rated Tue 16:00: solved, satisfied
    a5  accepted, never contacted (late)
    b1  another street: contacted on time, rated Tue 16:00: solved, satisfied
    """
    handler, admin = personas["street_handler"].user, personas["city_admin"].user
    other = Org.objects.filter(parent=wangjing.parent, kind="street").exclude(pk=wangjing.pk)[0]

    def file(org=None) -> Appeal:
        appeal, _ = services.create_appeal(
            services.Intake(text=TEXT, phone="13912345678", employer_uscc=unionised_employer.uscc)
        )
        if org is not None:  # the handling street sends it back to the city, which re-routes
            appeal = services.act(appeal, "return", actor=handler, reason="不属于本街道")
            appeal = services.act(appeal, "dispatch", actor=admin, org_id=org.pk)
        return appeal

    def work(appeal, hour_day, *, resolve=True):
        with time_machine.travel(at(*hour_day), tick=False):
            if appeal.status == "dispatched":
                appeal = services.act(appeal, "accept", actor=admin)
            appeal = services.act(appeal, "contact", actor=admin, note="已联系")
            if resolve:
                appeal = services.act(appeal, "resolve", actor=admin, reply="已处理")
        return appeal

    def rate(appeal, when, resolved, satisfaction):
        with time_machine.travel(when, tick=False):
            return services.evaluate(appeal, resolved=resolved, satisfaction=satisfaction)

    with time_machine.travel(at(D0, 9), tick=False):
        a1, a2, a3, a4, a5 = (file() for _ in range(5))
        b1 = file(other)
        services.act(a5, "accept", actor=handler)
    a1, a2, a3 = work(a1, (D0, 10)), work(a2, (D0, 11)), work(a3, (D0, 12))
    rate(a1, at(D0, 15), True, "satisfied")
    rate(a2, at(D0, 15), True, "basically")
    a3 = rate(a3, at(D0, 15), False, "unsatisfied")
    assert (a3.status, a3.contact_by) == ("accepted", at(D1, 15))
    work(a3, (D1, 10), resolve=False)
    a4 = work(a4, (D1, 10))
    rate(a4, at(D1, 16), True, "satisfied")
    b1 = work(b1, (D0, 10))
    rate(b1, at(D1, 16), True, "satisfied")
    return {"wangjing": wangjing, "other": other}


def test_it_rolls_the_appeals_up_per_org_and_day(handmade):
    wangjing, other = handmade["wangjing"], handmade["other"]
    assert stats() == {
        # day of the evaluations: 3, of which 2 solved, 1 / 1 / 1 satisfaction
        (wangjing.pk, wangjing.path, D0, 0, 0, 3, 2, 1, 1, 1),
        # day of the contact deadlines: 5 due, 3 on time; one evaluation
        (wangjing.pk, wangjing.path, D1, 5, 3, 1, 1, 1, 0, 0),
        (other.pk, other.path, D1, 1, 1, 1, 1, 1, 0, 0),
    }


def test_it_computes_the_rates_and_the_score(handmade):
    rates = metrics.for_org(handmade["wangjing"], D0, D1)
    assert rates.response_rate == 0.6  # 3 / 5
    assert rates.resolution_rate == 0.75  # 3 / 4
    assert rates.satisfaction_rate == 0.65  # (2 x 1 + 1 x 0.6 + 1 x 0) / 4
    assert rates.score == pytest.approx(0.3 * 0.6 + 0.35 * 0.75 + 0.35 * 0.65)  # 0.67
    assert rates.score == 0.67

    # The district adds up its streets.
    district = metrics.for_org(handmade["wangjing"].parent, D0, D1)
    assert district.counts["contact_due"] == 6
    assert district.counts["evaluations"] == 5
    assert district.response_rate == round(4 / 6, 4)
    assert district.satisfaction_rate == round(3.6 / 5, 4)

    # Outside the period nothing counts, and no evaluation means no score.
    assert metrics.for_org(handmade["wangjing"], D1, D1).score == 0.88  # 0.3 x 0.6 + 0.35 + 0.35
    empty = metrics.for_org(handmade["wangjing"], date(2026, 4, 1), date(2026, 4, 30))
    assert (empty.response_rate, empty.resolution_rate, empty.score) == (None, None, None)


def test_it_rebuilds_exactly_the_rows_the_transitions_kept(handmade):
    incremental = stats()
    assert len(incremental) == 3
    assert metrics.rebuild() == 3
    assert stats() == incremental


def test_it_follows_the_configured_weights(handmade, settings):
    settings.GONGHUI_RATE_WEIGHTS = {"response": 0.5, "resolution": 0.25, "satisfaction": 0.25}
    settings.GONGHUI_SATISFACTION_WEIGHTS = {"satisfied": 1.0, "basically": 0.5, "unsatisfied": 0}
    rates = metrics.for_org(handmade["wangjing"], D0, D1)
    assert rates.satisfaction_rate == 0.625
    assert rates.score == round(0.5 * 0.6 + 0.25 * 0.75 + 0.25 * 0.625, 4)


def _row(org: Org, day: date, *, due, on_time, n, solved, satisfied, basically) -> DailyStat:
    return DailyStat.objects.create(
        org=org,
        org_path=org.path,
        day=day,
        contact_due=due,
        contact_on_time=on_time,
        evaluations=n,
        solved=solved,
        satisfied=satisfied,
        basically=basically,
        unsatisfied=n - satisfied - basically,
    )


def test_it_ranks_orgs_by_score_and_lists_small_volumes_apart(wangjing):
    s1, s2, s3, s4 = Org.objects.filter(parent=wangjing.parent, kind="street").order_by("path")[:4]
    # s1: 12 evaluations, middling; s2: 10, best; s3: 9, perfect but too few; s4: nothing
    _row(s1, D0, due=10, on_time=8, n=12, solved=9, satisfied=6, basically=3)
    _row(s2, D0, due=5, on_time=5, n=6, solved=6, satisfied=5, basically=1)
    _row(s2, D1, due=5, on_time=4, n=4, solved=4, satisfied=4, basically=0)
    _row(s3, D0, due=9, on_time=9, n=9, solved=9, satisfied=9, basically=0)
    _row(s1, date(2026, 4, 1), due=1, on_time=0, n=20, solved=0, satisfied=0, basically=0)

    rows = metrics.ranking([s4, s3, s2, s1], D0, D1, min_volume=10)
    assert [(r["org"], r["rank"], r["insufficient_volume"]) for r in rows] == [
        (s2, 1, False),
        (s1, 2, False),
        (s3, None, True),
        (s4, None, True),
    ]
    s1_rates = rows[1]["rates"]
    assert s1_rates.counts["evaluations"] == 12  # April is outside the period
    assert s1_rates.score == round(0.3 * 0.8 + 0.35 * 0.75 + 0.35 * round(7.8 / 12, 4), 4)
    assert rows[3]["rates"].score is None

    # A lower minimum ranks s3 first; districts add up their streets by path prefix.
    assert metrics.ranking([s1, s2, s3], D0, D1, min_volume=5)[0]["org"] == s3
    haidian = Org.objects.get(admin_code="110108")
    by_district = metrics.ranking([haidian, wangjing.parent], D0, D1, min_volume=10)
    assert [(r["org"], r["rank"]) for r in by_district] == [(wangjing.parent, 1), (haidian, None)]
    assert by_district[0]["rates"].counts["evaluations"] == 31
