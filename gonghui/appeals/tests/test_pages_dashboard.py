"""The supervisor dashboard, its district map and the Excel export."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org

WANGJING = "110105026"
ZHONGGUANCUN = "110108011"
PHONE = "13912345678"
# A Wednesday in the middle of a month: every deadline and evaluation stays in March.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# First contact is due a day after dispatch: the whole month holds every deadline.
MARCH = "/console/appeals/dashboard/?from=2026-03-01&to=2026-03-31"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def org(code: str) -> Org:
    return Org.objects.get(admin_code=code)


def other_chaoyang_street() -> Org:
    return (
        Org.objects.filter(parent=org("110105"), kind="street")
        .exclude(admin_code=WANGJING)
        .order_by("path")
        .first()
    )


def handle(admin, handler_user, street: Org, *, solved: bool = True, text: str = "") -> Appeal:
    """File, dispatch, accept, contact, resolve and evaluate one appeal at ``street``."""
    appeal, _created = services.create_appeal(
        services.Intake(text=text or "公司已经三个月没有发工资了，老板一直拖着不给。", phone=PHONE),
        actor_label="test",
    )
    appeal = services.act(appeal, "dispatch", actor=admin, org_id=street.pk)
    for action, data in [
        ("accept", {}),
        ("contact", {"note": "已联系职工"}),
        ("resolve", {"reply": "已协调处理。"}),
    ]:
        appeal = services.act(appeal, action, actor=handler_user or admin, **data)
    return services.evaluate(
        appeal, resolved=solved, satisfaction="satisfied" if solved else "unsatisfied"
    )


@pytest.fixture
def scores(personas):
    """望京: 10 evaluations, 8 solved and satisfied (80 %); another 朝阳 street: 1 solved;
    中关村 (海淀): 1 solved; plus one open appeal at 望京 past its accept deadline."""
    admin, handler = personas["city_admin"].user, personas["street_handler"].user
    for i in range(10):
        handle(admin, handler, org(WANGJING), solved=i < 8)
    handle(admin, None, other_chaoyang_street())
    handle(admin, None, org(ZHONGGUANCUN))
    late = services.act(
        services.create_appeal(
            services.Intake(text="单位不给缴社保，已经半年了，怎么办？", phone="13800138000"),
            actor_label="test",
        )[0],
        "dispatch",
        actor=admin,
        org_id=org(WANGJING).pk,
    )
    Appeal.objects.filter(pk=late.pk).update(accept_by=timezone.now() - timedelta(hours=1))
    services.act(late, "supervise", actor=personas["district_supervisor"].user, note="请尽快签收")
    return late


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/console/appeals/dashboard/",
        "/console/appeals/dashboard/map.json",
        "/console/appeals/export.xlsx",
    ],
)
def test_it_opens_the_dashboard_to_supervisors_and_admins_only(personas, url):
    check_matrix(
        personas,
        lambda p: p.browser().get(url),
        {"street_handler": 404, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
    )


@pytest.mark.django_db
def test_it_shows_the_three_rates_of_the_supervisors_org(district_supervisor, scores):
    client = district_supervisor.browser()
    default = client.get("/console/appeals/dashboard/")
    # The last 90 days by default (today included), not this month so far.
    assert (default.context["start"], default.context["end"]) == (
        NOW.date() - timedelta(days=89),
        NOW.date(),
    )
    # It holds this month's evaluations (all made today) like the month does.
    assert default.context["rates"].counts["evaluations"] == 11
    response = client.get(MARCH)
    assert response.context["top"] == org("110105")
    counts = response.context["rates"].counts
    # Two of 望京's were reopened ("not solved") and the late one is not contacted yet:
    # those three contact deadlines are not met.
    assert counts["contact_due"] == 12 and counts["contact_on_time"] == 9
    assert counts["evaluations"] == 11 and counts["solved"] == 9
    assert response.context["pct"] == {
        "response": "75.0%",
        "resolution": "81.8%",
        "satisfaction": "81.8%",
        "score": "79.8",
    }
    html = response.content.decode()
    assert "75.0%" in html and "79.8" in html
    assert response.context["overdue_count"] == 1
    assert response.context["supervised_count"] == 1


@pytest.mark.django_db
def test_it_ranks_districts_and_streets_and_lists_small_volumes_apart(
    district_supervisor, city_admin, scores
):
    levels = {lv["key"]: lv for lv in district_supervisor.browser().get(MARCH).context["levels"]}
    assert [r["org"].name for r in levels["districts"]["ranked"]] == ["朝阳区总工会"]
    streets = levels["streets"]
    assert [(r["rank"], r["org"].admin_code) for r in streets["ranked"]] == [(1, WANGJING)]
    assert streets["ranked"][0]["pct"]["score"] == "77.8"
    assert streets["chart"] == {"names": [org(WANGJING).display_name], "scores": [77.8]}
    assert other_chaoyang_street() in [r["org"] for r in streets["apart"]]
    assert len(streets["ranked"]) + len(streets["apart"]) == 43  # 朝阳区's streets only

    city_levels = {lv["key"]: lv for lv in city_admin.browser().get(MARCH).context["levels"]}
    haidian = [r for r in city_levels["districts"]["apart"] if r["org"].admin_code == "110108"]
    assert haidian and haidian[0]["rates"].counts["evaluations"] == 1
    assert len(city_levels["districts"]["ranked"]) + len(city_levels["districts"]["apart"]) == 17


@pytest.mark.django_db
def test_it_draws_the_score_trend_of_the_last_twelve_months(district_supervisor, scores):
    response = district_supervisor.browser().get(MARCH)
    chart = response.context["chart"]
    assert chart["trend"]["months"] == [
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
        "2025-08",
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    # Months without evaluations are gaps (None), not a score of zero.
    assert chart["trend"]["scores"] == [None] * 11 + [79.8]
    html = response.content.decode()
    assert 'id="dashboard-data"' in html and "echarts.min.js" in html


@pytest.mark.django_db
def test_it_takes_a_period_and_refuses_a_backwards_one(district_supervisor, scores):
    client = district_supervisor.browser()
    february = client.get("/console/appeals/dashboard/?from=2026-02-01&to=2026-02-28")
    assert february.context["rates"].counts["evaluations"] == 0
    assert february.context["pct"]["score"] == "—"
    assert 'href="/console/appeals/export.xlsx?from=2026-02-01&amp;to=2026-02-28"' in (
        february.content.decode()
    )
    backwards = client.get("/console/appeals/dashboard/?from=2026-03-10&to=2026-03-01")
    assert backwards.status_code == 200
    assert "结束日期不能早于开始日期" in backwards.content.decode()
    assert backwards.context["start"] == NOW.date() - timedelta(days=89)


@pytest.mark.django_db
def test_it_colours_the_district_map_by_score(district_supervisor, city_admin, scores):
    query = "?from=2026-03-01&to=2026-03-31"
    geo = district_supervisor.browser().get(f"/console/appeals/dashboard/map.json{query}").json()
    assert [f["properties"]["name"] for f in geo["features"]] == [org("110105").display_name]
    assert geo["features"][0]["properties"]["value"] == 79.8
    assert geo["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    city = city_admin.browser().get(f"/console/appeals/dashboard/map.json{query}").json()
    values = {f["properties"]["name"]: f["properties"]["value"] for f in city["features"]}
    assert len(values) == 16
    assert values[org("110105").display_name] == 79.8
    assert values[org("110108").display_name] is None  # one evaluation: too few to colour


@pytest.mark.django_db
def test_it_exports_the_periods_appeals_in_scope_with_masked_phones(district_supervisor, scores):
    response = district_supervisor.browser().get(
        "/console/appeals/export.xlsx?from=2026-03-01&to=2026-03-31"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "appeals-20260301-20260331.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["诉求工单", "三率"]

    rows = list(book["诉求工单"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "工单号" and "联系电话" in header
    assert len(body) == 12  # 11 at 朝阳区's streets and the open one; 中关村's is not in scope
    phone_col = header.index("联系电话")
    assert {r[phone_col] for r in body} == {"139****5678", "138****8000"}
    tickets = {r[0] for r in body}
    zhongguancun = Appeal.objects.get(assigned_org=org(ZHONGGUANCUN))
    assert zhongguancun.ticket_no not in tickets
    assert scores.ticket_no in tickets
    assert isinstance(body[0][1], datetime)

    rates = list(book["三率"].iter_rows(values_only=True))
    assert "2026-03-01" in rates[0][0]
    assert rates[1][0] == "单位"
    by_org = {r[0]: r for r in rates[2:]}
    assert by_org["朝阳区总工会"][13] == 79.8
    assert by_org["望京街道总工会"][2] == 1  # rank
    assert by_org["望京街道总工会"][10] == pytest.approx(8 / 11, abs=1e-4)
    assert len(rates) == 2 + 1 + 1 + 43  # the org itself, its district, its streets

    assert AuditLog.objects.filter(
        action="appeal.export", actor=district_supervisor.user, org_path=org("110105").path
    ).exists()


@pytest.mark.django_db
def test_it_writes_text_that_looks_like_a_formula_as_text(city_admin):
    services.create_appeal(
        services.Intake(text='=HYPERLINK("http://example.com","点这里查看工资")', phone=PHONE),
        actor_label="test",
    )
    response = city_admin.browser().get("/console/appeals/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["诉求工单"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("诉求内容") + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


@pytest.mark.django_db
def test_every_formula_start_is_neutralised_and_control_characters_do_not_break_it(city_admin):
    texts = ["+1+2 工资没发", "-2+3 加班费", "@SUM(A1) 社保", "\t=1+1 工伤", "\r=1+1 合同"]
    stored = []  # intake trims a leading tab or CR: what is left starts with "="
    for text in texts:
        appeal, _created = services.create_appeal(
            services.Intake(text=text + "，请帮忙。", phone=PHONE), actor_label="t"
        )
        stored.append(appeal.text)
    broken, _created = services.create_appeal(
        services.Intake(text="公司拖欠工资三个月没发，请帮忙。", phone=PHONE), actor_label="t"
    )
    # A row stored before the edge refused control characters (PostgreSQL itself refuses
    # only \x00, which the unit test of core.spreadsheets covers).
    Appeal.objects.filter(pk=broken.pk).update(
        text="公司\x01拖欠\x0b工资", address="望京\x1f某工地", employer_name="=某公司"
    )

    response = city_admin.browser().get("/console/appeals/export.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["诉求工单"]
    header = [c.value for c in sheet[1]]
    text_col = header.index("诉求内容") + 1
    by_text = {sheet.cell(row=r, column=text_col).value: r for r in range(2, sheet.max_row + 1)}
    for text in stored:
        cell = sheet.cell(row=by_text[text], column=text_col)
        assert cell.data_type == "s" and cell.quotePrefix is True
    row = by_text["公司拖欠工资"]
    assert sheet.cell(row=row, column=header.index("地址") + 1).value == "望京某工地"
    employer = sheet.cell(row=row, column=header.index("用人单位名称") + 1)
    assert (employer.value, employer.data_type, employer.quotePrefix) == ("=某公司", "s", True)
