"""Collective contracts: the ratification vote at its edges (Art. 38), the filing clock
across a holiday (Art. 39), effect after fifteen days, expiry reminders once each, the
wage-floor checks, the permission matrix and the coverage roll-up."""

from datetime import date, timedelta

import pytest
import time_machine

from gonghui.core.models import Notice
from gonghui.core.testing import check_matrix
from gonghui.core.workdays import is_workday, source
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.services import create_org
from gonghui.rights.contracts import services, stats
from gonghui.rights.contracts.models import CollectiveContract
from gonghui.rights.tests.conftest import post

pytestmark = pytest.mark.django_db
URL = "/api/v1/rights/contracts"


@pytest.mark.parametrize(
    "total,attending,approving,passes",
    [
        (30, 20, 15, True),  # exactly two thirds attend, exactly half of all approve
        (30, 19, 19, False),  # one short of two thirds attending
        (30, 20, 14, False),  # one short of half of all
        (31, 21, 16, True),  # 21 ≥ 20.67, 16 ≥ 15.5
        (31, 21, 15, False),  # 15 < 15.5: half of all is not reached
        (31, 20, 20, False),  # 20 < 20.67 attending
        (3, 2, 2, True),
        (1, 1, 1, True),
    ],
)
def test_it_applies_the_vote_rule_at_its_edges(total, attending, approving, passes):
    assert services.vote_passes(total, attending, approving) is passes


def _ratified(client, body, **over):
    cid = post(client, URL, body(**over)).json()["id"]
    vote = {"total": 30, "attending": 24, "approving": 20, "ratified_on": "2025-12-01"}
    assert post(client, f"{URL}/{cid}/ratify", vote).status_code == 200
    return cid


def test_it_refuses_an_invalid_vote_and_saves_nothing(street_handler, body):
    client = street_handler.api()
    cid = post(client, URL, body()).json()["id"]
    response = post(client, f"{URL}/{cid}/ratify", {"total": 30, "attending": 19, "approving": 19})
    assert response.status_code == 422 and response.json()["code"] == "vote_invalid"
    response = post(client, f"{URL}/{cid}/ratify", {"total": 30, "attending": 31, "approving": 10})
    assert response.json()["code"] == "invalid_count"
    c = CollectiveContract.objects.get(pk=cid)
    assert c.status == "negotiating" and c.vote_total is None and c.ratified_on is None
    # Exactly two thirds attending and exactly half approving pass (以上 includes the number).
    ok = post(client, f"{URL}/{cid}/ratify", {"total": 30, "attending": 20, "approving": 15})
    assert ok.status_code == 200 and ok.json()["status"] == "ratified"


@time_machine.travel(date(2026, 12, 2), tick=False)
def test_it_moves_the_filing_deadline_past_a_holiday_and_flags_it_overdue(street_handler, body):
    assert source(2026) == "library"
    assert not is_workday(date(2026, 10, 5)) and is_workday(date(2026, 10, 8))
    client = street_handler.api()
    cid = _ratified(client, body)
    # Signed 25 Sept: ten days later is 5 Oct, inside the National Day holiday.
    signed = post(client, f"{URL}/{cid}/sign", {"signed_on": "2026-09-25"}).json()
    assert signed["deadlines"]["file_by"] == "2026-10-08"
    assert signed["deadlines"]["file_overdue"] is True  # today is 2 Dec
    assert services.run_clocks() >= 1
    assert services.run_clocks() == 0
    assert Notice.objects.filter(text__contains="逾期未备案").count() == 1
    # Filed: effective fifteen days later, by the sweep.
    filed = post(client, f"{URL}/{cid}/file", {"filed_on": "2026-11-20"}).json()
    assert filed["status"] == "filed" and filed["deadlines"]["effective_on"] == "2026-12-05"
    assert filed["deadlines"]["file_overdue"] is False
    services.run_clocks(today=date(2026, 12, 4))
    assert CollectiveContract.objects.get(pk=cid).status == "filed"
    services.run_clocks(today=date(2026, 12, 5))
    assert CollectiveContract.objects.get(pk=cid).status == "effective"


def test_it_sends_each_expiry_reminder_once(street_handler, body):
    client = street_handler.api()
    cid = _ratified(client, body)
    post(client, f"{URL}/{cid}/sign", {"signed_on": "2026-01-05"})
    post(client, f"{URL}/{cid}/file", {"filed_on": "2026-01-06"})
    ends = date(2028, 12, 31)
    services.run_clocks(today=date(2026, 2, 1))  # effective, nothing to remind yet
    c = CollectiveContract.objects.get(pk=cid)
    assert c.status == "effective" and c.reminders_sent == []

    def reminders():
        return Notice.objects.filter(user=street_handler.user, text__contains="到期").count()

    for days_left, expected in [
        (91, 0),
        (90, 1),
        (89, 1),
        (30, 2),
        (30, 2),
        (7, 3),
        (1, 3),
        (0, 4),
        (0, 4),
    ]:
        services.run_clocks(today=ends - timedelta(days=days_left))
        assert reminders() == expected, days_left
    assert CollectiveContract.objects.get(pk=cid).reminders_sent == [90, 30, 7, 0]
    services.run_clocks(today=ends + timedelta(days=1))
    c = CollectiveContract.objects.get(pk=cid)
    assert c.status == "expired"
    assert client.get(f"{URL}/{cid}").json()["deadlines"]["expired_unrenewed"] is True


def test_it_sends_only_the_nearest_reminder_to_a_contract_recorded_late(street_handler, body):
    client = street_handler.api()
    cid = _ratified(client, body, starts_on="2025-12-10", ends_on="2026-12-20")
    post(client, f"{URL}/{cid}/sign", {"signed_on": "2025-12-10"})
    post(client, f"{URL}/{cid}/file", {"filed_on": "2025-12-11"})
    services.run_clocks(today=date(2026, 12, 15))
    assert CollectiveContract.objects.get(pk=cid).reminders_sent == [90, 30, 7]
    assert Notice.objects.filter(user=street_handler.user, text__contains="还有5天").count() == 1


def test_it_warns_of_a_wage_floor_below_the_minimum_and_a_covering_contract(
    street_handler, body, wangjing, enterprise
):
    client = street_handler.api()
    low = post(client, URL, body(wage_floor="2500")).json()["id"]
    codes = [w["code"] for w in client.get(f"{URL}/{low}").json()["warnings"]]
    assert codes == ["below_minimum_wage"]
    assert (
        client.get(
            f"{URL}/{post(client, URL, body(wage_floor='2540', enterprise_id=Enterprise.objects.create(name='另一家', uscc='91110105MA01CC0002', street=wangjing).pk)).json()['id']}"
        ).json()["warnings"]
        == []
    )
    # A regional contract of 望京 in force with a floor of 3,200: the enterprise's 3,000 falls below it.
    reg = CollectiveContract.objects.create(
        scope="regional",
        org=wangjing,
        org_path=wangjing.path,
        title="望京街道区域性集体合同",
        starts_on=date(2026, 1, 1),
        ends_on=date(2028, 12, 31),
        wage_floor=3200,
        status="effective",
    )
    mine = post(client, URL, body()).json()["id"]
    warnings = client.get(f"{URL}/{mine}").json()["warnings"]
    assert [w["code"] for w in warnings] == ["below_covering_contract"]
    assert warnings[0]["contract_id"] == reg.pk


def test_it_refuses_bad_contracts(street_handler, outsider, body, wangjing):
    client = street_handler.api()
    for over, code in [
        ({"ends_on": "2025-12-31"}, "invalid_term"),
        ({"ends_on": "2030-06-30"}, "invalid_term"),
        ({"enterprise_id": None}, "enterprise_required"),
        ({"scope": "regional", "enterprise_id": None}, "org_required"),
        ({"wage_floor": "abc"}, "invalid_number"),
    ]:
        response = post(client, URL, body(**over))
        assert response.status_code == 422 and response.json()["code"] == code, over
    assert post(outsider.api(), URL, body()).json()["code"] == "invalid_enterprise"
    assert not CollectiveContract.objects.exists()


def test_it_guards_every_route(personas, street_handler, body):
    see = {
        "street_handler": 200,
        "district_supervisor": 200,
        "city_admin": 200,
        "outsider": 404,
        "courier": 401,
    }
    check_matrix(
        personas,
        lambda p: post(p.api(), URL, body(title=f"合同{p.name}")),
        {"street_handler": 201, "outsider": 422, "courier": 401},
    )
    cid = CollectiveContract.objects.first().pk
    check_matrix(personas, lambda p: p.api().get(URL), {**see, "outsider": 200})
    check_matrix(personas, lambda p: p.api().get(f"{URL}/{cid}"), see)
    chaoyang = Org.objects.get(admin_code="110105").pk
    check_matrix(
        personas,
        lambda p: p.api().get(f"{URL}/coverage?org={chaoyang}"),
        {**see, "street_handler": 404},
    )
    steps = [
        ("ratify", {"total": 30, "attending": 24, "approving": 20, "ratified_on": "2026-01-02"}),
        ("sign", {"signed_on": "2026-01-05"}),
        ("file", {"filed_on": "2026-01-06"}),
        ("renew", {}),
    ]
    for action, data in steps:
        if action == "renew":
            CollectiveContract.objects.filter(pk=cid).update(status="effective")
        check_matrix(
            personas,
            lambda p, a=action, d=data: post(p.api(), f"{URL}/{cid}/{a}", d),
            {"outsider": 404, "courier": 401, "street_handler": 200},
        )


def test_it_rolls_coverage_up_by_scope(street_handler, wangjing, enterprise):
    today = date(2026, 12, 2)
    live = {"status": "effective", "starts_on": date(2026, 1, 1), "ends_on": date(2028, 12, 31)}
    other_street = (
        Org.objects.filter(parent=wangjing.parent, kind="street").exclude(pk=wangjing.pk).first()
    )
    union = create_org(name="丁公司工会委员会", kind="grassroots", parent=other_street)
    a = enterprise  # own contract
    b = Enterprise.objects.create(
        name="乙", uscc="91110105MA01CC0003", street=wangjing, size_band="small"
    )  # regional
    c = Enterprise.objects.create(
        name="丙",
        uscc="91110105MA01CC0004",
        street=other_street,
        industry="logistics",
        size_band="small",
    )  # industry
    d = Enterprise.objects.create(
        name="丁",
        uscc="91110105MA01CC0005",
        street=other_street,
        industry="it",
        union=union,
        size_band="large",
    )  # none, has a union
    e = Enterprise.objects.create(
        name="戊", uscc="91110105MA01CC0006", street=other_street, industry="it", size_band="micro"
    )  # none
    CollectiveContract.objects.create(
        scope="enterprise", enterprise=a, org=wangjing, org_path=wangjing.path, title="甲", **live
    )
    CollectiveContract.objects.create(
        scope="regional", org=wangjing, org_path=wangjing.path, title="望京", **live
    )
    district = wangjing.parent
    CollectiveContract.objects.create(
        scope="industry",
        industry="logistics",
        org=district,
        org_path=district.path,
        title="物流",
        **live,
    )
    # Expired and not yet filed contracts cover nobody.
    CollectiveContract.objects.create(
        scope="enterprise",
        enterprise=e,
        org=other_street,
        org_path=other_street.path,
        title="旧",
        status="expired",
        starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    CollectiveContract.objects.create(
        scope="enterprise",
        enterprise=d,
        org=other_street,
        org_path=other_street.path,
        title="未签",
        status="ratified",
        starts_on=date(2026, 1, 1),
        ends_on=date(2028, 12, 31),
    )
    f = stats.coverage(district, today)
    base = Enterprise.objects.filter(street__path__startswith=district.path).exclude(
        pk__in=[a.pk, b.pk, c.pk, d.pk, e.pk]
    )
    # 甲 is covered by its own and by the regional contract: counted once, as enterprise.
    assert (
        f["by_scope"]["enterprise"] == 1
        and f["by_scope"]["regional"] >= 1
        and f["by_scope"]["industry"] >= 1
    )
    assert f["enterprises"] == base.count() + 5
    assert (
        f["covered_enterprises"]
        == f["by_scope"]["enterprise"] + f["by_scope"]["regional"] + f["by_scope"]["industry"]
    )
    uncovered = [u["name"] for u in f["uncovered_with_union"]]
    assert "丁" in uncovered and "戊" not in uncovered and "乙" not in uncovered
    street_only = stats.coverage(wangjing, today)
    assert (
        street_only["by_scope"]["none"]
        == street_only["enterprises"] - street_only["covered_enterprises"]
    )
    assert street_only["covered_workers"] >= 300 + 50
