"""Console and H5 pages through the test client: each renders, each is scoped."""

import io
import re

import pytest
from django.test import Client
from openpyxl import Workbook

from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix
from gonghui.h5.views import SESSION_KEY
from gonghui.members import organising, services
from gonghui.members.models import (
    DrivePlan,
    DriveTask,
    FoundingCase,
    JoinApplication,
    Meeting,
    Member,
)
from gonghui.members.testing import make_id_number
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise

pytestmark = pytest.mark.django_db


def worker_client(worker) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = worker.pk
    session.save()
    return client


@pytest.fixture
def member(courier, wangjing, mobile_union, street_handler) -> Member:
    app = services.submit_application(
        services.JoinRequest(
            declaration=True,
            privacy_consent=True,
            name="孙八",
            id_number=make_id_number(20),
            job_type="courier",
            gig_platform="jd",
            street_id=wangjing.pk,
        ),
        worker=courier.worker,
    )
    return services.approve_application(app, actor=street_handler.user)


def test_a_worker_joins_through_the_h5_form_and_sees_the_state(courier, wangjing, mobile_union):
    client = worker_client(courier.worker)
    page = client.get("/h5/members/join/")
    assert page.status_code == 200 and "身份证号" in page.content.decode()
    r = client.post(
        "/h5/members/join/",
        {
            "name": "周九",
            "declaration": "1",
            "privacy_consent": "1",
            "id_number": make_id_number(21),
            "employment": "gig",
            "job_type": "food_delivery",
            "gig_platform": "meituan",
            "street_id": wangjing.pk,
        },
    )
    assert r.status_code == 302 and r["Location"] == "/h5/members/me/"
    me = client.get("/h5/members/me/").content.decode()
    assert 'data-status="pending"' in me and mobile_union.name in me


def test_a_refused_h5_join_keeps_what_was_typed(courier, wangjing, mobile_union):
    client = worker_client(courier.worker)
    r = client.post(
        "/h5/members/join/",
        {
            "name": "周九",
            "declaration": "1",
            "privacy_consent": "1",
            "id_number": "110105199001011234",
            "employment": "gig",
            "job_type": "courier",
            "street_id": wangjing.pk,
        },
    )
    body = r.content.decode()
    assert r.status_code == 200 and "身份证号码无效" in body
    assert 'value="周九"' in body
    assert not JoinApplication.objects.exists()


def test_a_member_joining_again_is_offered_a_transfer(courier, member, wangjing):
    client = worker_client(courier.worker)
    r = client.post(
        "/h5/members/join/",
        {
            "name": "孙八",
            "declaration": "1",
            "privacy_consent": "1",
            "id_number": member.id_number,
            "employment": "gig",
            "job_type": "courier",
            "street_id": wangjing.pk,
        },
    )
    body = r.content.decode()
    assert "已经是工会会员" in body and "/h5/members/transfer/" in body


def test_the_card_has_a_qr_code_that_verifies_and_is_audited(courier, member):
    client = worker_client(courier.worker)
    body = client.get("/h5/members/card/").content.decode()
    assert member.member_number in body and "<svg" in body
    url = re.search(r"http://testserver(/h5/members/verify/[^\"<\s]+)", body).group(1)
    check = Client().get(url)
    text = check.content.decode()
    assert check.status_code == 200 and 'data-valid="true"' in text
    assert member.id_number not in text and "孙*" in text
    assert AuditLog.objects.filter(action="member.card_verify", object_id=str(member.pk)).exists()
    forged = Client().get("/h5/members/verify/" + member.member_number + ":forged/")
    assert forged.status_code == 404


def test_a_lapsed_member_card_check_says_invalid(courier, member, street_handler):
    client = worker_client(courier.worker)
    body = client.get("/h5/members/card/").content.decode()
    url = re.search(r"http://testserver(/h5/members/verify/[^\"<\s]+)", body).group(1)
    services.change_status(member, "lapse", actor=street_handler.user)
    assert 'data-valid="false"' in Client().get(url).content.decode()


def test_h5_pages_need_sign_in():
    for url in (
        "/h5/members/join/",
        "/h5/members/me/",
        "/h5/members/card/",
        "/h5/members/transfer/",
    ):
        r = Client().get(url)
        assert r.status_code == 302 and "/h5/sign-in/" in r["Location"]


CONSOLE_PAGES = [
    "/console/members/",
    "/console/members/?tab=overdue",
    "/console/members/search/?q=孙",
    "/console/members/transfers/",
    "/console/members/import/",
    "/console/members/organising/",
    "/console/members/meetings/",
    "/console/members/drives/",
    "/console/members/stats/",
]


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_console_pages_render(personas, member, url):
    for name in ("street_handler", "district_supervisor", "city_admin", "outsider"):
        r = personas[name].browser().get(url)
        assert r.status_code == 200, (name, url)


def test_the_queue_shows_only_the_users_applications(personas, courier, wangjing, mobile_union):
    services.submit_application(
        services.JoinRequest(
            declaration=True,
            privacy_consent=True,
            name="吴十",
            id_number=make_id_number(22),
            job_type="other",
            street_id=wangjing.pk,
        ),
        worker=courier.worker,
    )
    assert "吴十" in personas["street_handler"].browser().get("/console/members/").content.decode()
    assert "吴十" not in personas["outsider"].browser().get("/console/members/").content.decode()


def test_member_360_page_is_scoped_and_reveals_the_id_to_handlers_only(personas, member):
    url = f"/console/members/{member.pk}/"
    check_matrix(
        personas,
        lambda p: p.browser().get(url) if p.user else Client().get(url),
        {
            "courier": 302,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    handler_page = personas["street_handler"].browser().get(url).content.decode()
    assert member.id_number in handler_page
    assert AuditLog.objects.filter(action="pii.view", object_id=str(member.pk)).exists()
    assert (
        member.id_number not in personas["district_supervisor"].browser().get(url).content.decode()
    )


def test_member_360_shows_their_appeals(personas, member):
    from gonghui.appeals import services as appeals

    appeal, _ = appeals.create_appeal(
        appeals.Intake(text="平台一直扣我的配送费，不知道怎么办。", phone=member.phone)
    )
    body = personas["city_admin"].browser().get(f"/console/members/{member.pk}/").content.decode()
    assert appeal.ticket_no in body


def test_member_360_shows_the_stations_they_used(personas, member, wangjing):
    from gonghui.stations import services as stations

    position = stations.create_position(
        {
            "kind": "warm_station",
            "name": "望京测试暖心驿站",
            "owner": wangjing,
            "host_kind": "shop",
            "host_name": "便利店",
            "address": "朝阳区望京街道阜通东大街1号",
            "lat": 39.9968,
            "lng": 116.4803,
            "crs": "gcj02",
            "amenities": ["water", "charging"],
            "served_groups": ["delivery"],
            "hours": [[["00:00", "24:00"]] for _ in range(7)],
        },
        actor=personas["city_admin"].user,
    )
    stations.check_in(position, device="device-1", used=["charging"], worker=member.worker)
    stations.check_in(position, device="device-2", used=["water"])  # anonymous: nobody's

    body = personas["city_admin"].browser().get(f"/console/members/{member.pk}/").content.decode()
    assert body.count("望京测试暖心驿站") == 1
    assert "充电" in body


def test_drive_plans_count_the_warm_stations_built_live(personas, wangjing):
    from datetime import date, timedelta

    from django.utils import timezone

    from gonghui.members import drives
    from gonghui.stations import services as stations

    today = timezone.localdate()
    count = drives.SOURCES["stations_built"].fn
    before = count(wangjing.parent, today - timedelta(days=1), today)
    stations.create_position(
        {
            "kind": "warm_station",
            "name": "望京新建暖心驿站",
            "owner": wangjing,
            "host_kind": "shop",
            "host_name": "便利店",
            "address": "朝阳区望京街道阜通东大街2号",
            "lat": 39.9968,
            "lng": 116.4803,
            "crs": "gcj02",
            "amenities": ["water"],
            "served_groups": ["delivery"],
            "hours": [[["08:00", "20:00"]] for _ in range(7)],
        },
        actor=personas["city_admin"].user,
    )
    assert count(wangjing.parent, today - timedelta(days=1), today) == before + 1
    assert count(wangjing.parent, date(2020, 1, 1), date(2020, 12, 31)) == 0
    haidian = wangjing.parent.parent.children.get(admin_code="110108")
    assert count(haidian, today, today) == 0


def test_a_handler_approves_and_rejects_in_the_console(
    personas, courier, make_worker, wangjing, mobile_union
):
    a = services.submit_application(
        services.JoinRequest(
            declaration=True,
            privacy_consent=True,
            name="郑一",
            id_number=make_id_number(23),
            job_type="other",
            street_id=wangjing.pk,
        ),
        worker=courier.worker,
    )
    worker2, _c = make_worker("13900003333")
    b = services.submit_application(
        services.JoinRequest(
            declaration=True,
            privacy_consent=True,
            name="郑二",
            id_number=make_id_number(24),
            job_type="other",
            street_id=wangjing.pk,
        ),
        worker=worker2,
    )
    handler = personas["street_handler"].browser()
    outsider = personas["outsider"].browser()
    assert outsider.post(f"/console/members/applications/{a.pk}/approve/").status_code == 404
    handler.post(f"/console/members/applications/{a.pk}/approve/")
    handler.post(f"/console/members/applications/{b.pk}/reject/", {"reason": ""})
    assert JoinApplication.objects.get(pk=b.pk).status == "pending"  # a reason is needed
    handler.post(f"/console/members/applications/{b.pk}/reject/", {"reason": "非本辖区职工"})
    assert JoinApplication.objects.get(pk=a.pk).status == "approved"
    assert JoinApplication.objects.get(pk=b.pk).status == "rejected"


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def test_import_stores_good_rows_and_reports_bad_ones(personas, unionised_employer, member):
    union = unionised_employer.union
    good1, good2 = make_id_number(30), make_id_number(31, male=False)
    f = _xlsx(
        [
            ["姓名", "身份证号", "手机号", "入会日期", "单位名称"],
            ["甲一", good1, "13911112222", "2023-04-01", unionised_employer.name],
            ["乙二", "110105199001011234", "", "", ""],  # bad check digit
            ["丙三", good1, "", "", ""],  # same ID as row 2
            ["丁四", good2, "1391111", "", ""],  # bad phone
            ["戊五", member.id_number, "", "", ""],  # already a member
            ["己六", make_id_number(32), "", "明天", ""],  # bad date
            [None, None, None, None, None],
            ["庚七", good2[:-1] + "0" if good2[-1] != "0" else good2[:-1] + "1", "", "", ""],
            ["辛八", make_id_number(33), "13922223333", None, ""],
        ]
    )
    r = (
        personas["street_handler"]
        .browser()
        .post("/console/members/import/", {"org": union.pk, "file": f})
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert "已导入 2 行，6 行未导入" in body
    assert "与第2行的身份证号重复" in body and "已是会员" in body and "入会日期格式" in body
    imported = Member.objects.filter(org=union).order_by("member_number")
    assert [m.name for m in imported] == ["甲一", "辛八"]
    first = imported[0]
    assert first.joined_on.isoformat() == "2023-04-01" and first.member_number[6:10] == "2023"
    assert first.periods.get().started_on.isoformat() == "2023-04-01"
    assert first.gender == "male"


def test_import_refuses_a_file_that_is_not_a_roster(personas, unionised_employer):
    union = unionised_employer.union
    r = (
        personas["street_handler"]
        .browser()
        .post("/console/members/import/", {"org": union.pk, "file": _xlsx([["名字", "号码"]])})
    )
    assert "缺少列" in r.content.decode()
    bad = io.BytesIO(b"not a spreadsheet")
    bad.name = "x.xlsx"
    r = (
        personas["street_handler"]
        .browser()
        .post("/console/members/import/", {"org": union.pk, "file": bad})
    )
    assert "无法读取" in r.content.decode()
    r = (
        personas["outsider"]
        .browser()
        .post("/console/members/import/", {"org": union.pk, "file": _xlsx([["姓名", "身份证号"]])})
    )
    assert "请选择您负责的工会" in r.content.decode()
    assert not Member.objects.exists()


def test_export_masks_personal_data(personas, member):
    from openpyxl import load_workbook

    r = personas["street_handler"].browser().get("/console/members/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == member.member_number
    id_column = rows[0].index("身份证号")
    assert member.id_number not in str(rows) and "*" in rows[1][id_column]
    # Beside a masked ID number, the birth date and gender would give it back.
    assert "出生日期" not in rows[0] and "性别" not in rows[0]
    assert member.birth_date.isoformat() not in str(rows)
    assert AuditLog.objects.filter(action="member.export").exists()
    outsider = personas["outsider"].browser().get("/console/members/export.xlsx")
    assert member.member_number not in str(
        list(load_workbook(io.BytesIO(outsider.content)).active.iter_rows(values_only=True))
    )


def test_export_writes_user_text_as_text(personas, member):
    from openpyxl import load_workbook

    Member.objects.filter(pk=member.pk).update(name="=1+1", employer_name="+公司\x01名\x0b称")

    r = personas["street_handler"].browser().get("/console/members/export.xlsx")

    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    row = list(ws[2])
    name = row[header.index("姓名")]
    assert (name.value, name.data_type, name.quotePrefix) == ("=1+1", "s", True)
    employer = row[header.index("单位/平台")]
    assert (employer.value, employer.quotePrefix) == ("+公司名称", True)


def test_a_founding_case_creates_the_union_when_approved(personas, wangjing):
    firm = create_enterprise(
        name="望京某物流有限公司",
        uscc="91110105MA01234565",
        street=wangjing,
        ownership="non_public",
    )
    handler = personas["street_handler"]
    assert (
        personas["outsider"]
        .browser()
        .post("/console/members/organising/open/", {"enterprise": firm.pk})
        .status_code
        == 404
    )
    r = handler.browser().post(
        "/console/members/organising/open/", {"enterprise": firm.pk, "owner": "张组织"}
    )
    case = FoundingCase.objects.get(enterprise=firm)
    assert r["Location"] == f"/console/members/organising/{case.pk}/"
    for action in ("prepare", "elect", "submit"):
        handler.browser().post(
            r["Location"],
            {"action": action, "owner": "张组织", "done_on": services.today().isoformat()},
        )
    case.refresh_from_db()
    assert case.step == "approval" and case.union is None
    handler.browser().post(
        r["Location"],
        {
            "action": "approve",
            "owner": "李主席",
            "done_on": services.today().isoformat(),
            "union_name": "望京某物流有限公司工会委员会",
        },
    )
    case.refresh_from_db()
    firm.refresh_from_db()
    assert case.step == "approved" and case.union is not None
    assert case.union.kind == "grassroots" and case.union.parent == wangjing
    assert firm.union == case.union
    assert [s.step for s in case.steps.all()] == [
        "contact",
        "preparation",
        "election",
        "approval",
        "approved",
    ]
    stats = (
        handler.api().get("/api/v1/members/stats?start=2026-01-01&end=2026-12-31").json()["totals"]
    )
    assert stats["unions_founded"] == 1 and stats["non_public_unions"] == 1
    # Steps cannot be skipped or go back in time.
    firm2 = create_enterprise(name="望京某餐饮有限公司", uscc="91110105MA01234578", street=wangjing)
    case2 = organising.open_case(firm2, owner="张组织", actor=handler.user)
    with pytest.raises(services.Conflict):
        organising.advance(case2, "approve", actor=handler.user, owner="张组织")


def test_meetings_and_drive_progress(personas, wangjing, member):
    handler = personas["street_handler"]
    chaoyang = Org.objects.get(admin_code="110105")
    firm = create_enterprise(name="望京某餐饮有限公司", uscc="91110105MA01234578", street=wangjing)
    r = handler.browser().post(
        "/console/members/meetings/",
        {
            "kind": "worker",
            "held_on": services.today().isoformat(),
            "place": "望京驿站",
            "org": wangjing.pk,
            "enterprise_ids": firm.uscc,
            "attendance": 40,
            "members_recruited": 12,
            "unions_founded": 0,
        },
    )
    assert r.status_code == 302
    meeting = Meeting.objects.get()
    assert list(meeting.enterprises.all()) == [firm] and meeting.attendance == 40
    bad = handler.browser().post(
        "/console/members/meetings/",
        {
            "kind": "worker",
            "held_on": services.today().isoformat(),
            "place": "望京",
            "org": wangjing.pk,
            "enterprise_ids": "91110000600037341L",
            "attendance": 1,
            "members_recruited": 0,
            "unions_founded": 0,
        },
    )
    assert "不在您辖区" in bad.content.decode() and Meeting.objects.count() == 1
    today = services.today()
    plan = DrivePlan.objects.create(
        org=chaoyang,
        title="朝阳区工会加强年",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )
    DriveTask.objects.create(
        plan=plan,
        number=1,
        title="发展新就业形态劳动者入会",
        metric="new_gig_members",
        target=1500,
        owner="组织部",
    )
    DriveTask.objects.create(
        plan=plan,
        number=2,
        title="建设母婴关爱室",
        metric="manual",
        target=15,
        owner="女职工部",
    )
    DriveTask.objects.create(
        plan=plan,
        number=3,
        title="召开职工沟通会",
        metric="worker_meetings",
        target=10,
        owner="组织部",
    )
    manual = DriveTask.objects.get(number=2)
    supervisor = personas["district_supervisor"]
    supervisor.browser().post(f"/console/members/drives/tasks/{manual.pk}/report/", {"value": "7"})
    assert (
        personas["outsider"]
        .browser()
        .post(f"/console/members/drives/tasks/{manual.pk}/report/", {"value": "9"})
        .status_code
        == 404
    )
    body = supervisor.browser().get("/console/members/drives/").content.decode()
    values = re.findall(r'data-testid="task-(\d)".*?class="progress-value">(\d+)<', body, re.S)
    assert values == [("1", "1"), ("2", "7"), ("3", "1")]


def test_a_worker_withdraws_a_pending_application_and_may_apply_again(
    courier, wangjing, mobile_union
):
    client = worker_client(courier.worker)
    body = {
        "name": "周九",
        "declaration": "1",
        "privacy_consent": "1",
        "id_number": make_id_number(25),
        "employment": "gig",
        "job_type": "courier",
        "street_id": wangjing.pk,
    }
    client.post("/h5/members/join/", body)
    assert "撤回申请" in client.get("/h5/members/me/").content.decode()
    assert client.get("/h5/members/me/withdraw/").status_code == 405
    client.post("/h5/members/me/withdraw/")
    assert JoinApplication.objects.get().status == "withdrawn"
    assert AuditLog.objects.filter(action="member.withdraw").exists()
    assert client.post("/h5/members/join/", body).status_code == 302
    assert JoinApplication.objects.filter(status="pending").count() == 1


def test_a_member_asks_for_a_transfer_on_the_h5_page(courier, member, unionised_employer):
    client = worker_client(courier.worker)
    r = client.post(
        "/h5/members/transfer/",
        {"employment": "employee", "employer_uscc": unionised_employer.uscc, "reason": "换了工作"},
    )
    assert r.status_code == 302
    me = client.get("/h5/members/me/").content.decode()
    assert "转会办理中" in me and unionised_employer.union.name in me
    again = client.post(
        "/h5/members/transfer/",
        {"employment": "employee", "employer_uscc": unionised_employer.uscc},
    )
    assert "已有一个转会正在办理中" in again.content.decode()


def test_h5_members_is_the_members_home(courier, member):
    client = worker_client(courier.worker)
    home = client.get("/h5/members/")
    body = home.content.decode()
    assert home.status_code == 200 and 'data-status="active"' in body
    assert 'href="/h5/members/card/"' in body and 'href="/h5/members/transfer/"' in body


def test_the_card_says_what_is_pending_instead_of_redirecting(courier, wangjing, mobile_union):
    client = worker_client(courier.worker)
    none = client.get("/h5/members/card/")
    assert none.status_code == 200 and 'data-status="none"' in none.content.decode()
    assert 'href="/h5/members/join/"' in none.content.decode()
    services.submit_application(
        services.JoinRequest(
            declaration=True,
            privacy_consent=True,
            name="周九",
            id_number=make_id_number(22),
            job_type="courier",
            street_id=wangjing.pk,
        ),
        worker=courier.worker,
    )
    pending = client.get("/h5/members/card/").content.decode()
    assert 'data-testid="card-pending"' in pending and 'data-status="pending"' in pending
    assert "会员卡在等入会审核" in pending and mobile_union.name in pending


def test_the_join_form_asks_for_the_declaration_and_consent_and_tells_streets_apart(
    courier, wangjing, mobile_union
):
    client = worker_client(courier.worker)
    page = client.get("/h5/members/join/").content.decode()
    assert "我自愿加入工会，承认《中国工会章程》" in page
    assert 'href="/h5/members/privacy/"' in page and 'data-testid="district"' in page
    assert "八里庄街道（朝阳区）" in page and "八里庄街道（海淀区）" in page
    assert '<optgroup label="朝阳区">' in page
    body = {
        "name": "周九",
        "id_number": make_id_number(23),
        "employment": "gig",
        "job_type": "courier",
        "street_id": wangjing.pk,
        "privacy_consent": "1",
    }
    refused = client.post("/h5/members/join/", body).content.decode()
    assert "请勾选入会声明" in refused and 'value="周九"' in refused
    assert not JoinApplication.objects.exists()
    assert client.post("/h5/members/join/", {**body, "declaration": "1"}).status_code == 302
    assert JoinApplication.objects.get().declared_at is not None


def test_the_privacy_notice_is_public_and_versioned():
    page = Client().get("/h5/members/privacy/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-version="2026-12"' in body
    assert "个人信息保护告知" in body and "12351" in body
