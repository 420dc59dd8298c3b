import json

import pytest

from gonghui.appeals import duplicates
from gonghui.appeals import services as appeals
from gonghui.appeals.models import Appeal
from gonghui.orgs.choices import Role
from gonghui.orgs.models import Org, StaffRole
from gonghui.orgs.services import create_enterprise
from gonghui.triage import training
from gonghui.triage.models import Correction

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def file(text, **fields):
    appeal, _ = appeals.create_appeal(
        appeals.Intake(text=text, phone=fields.pop("phone", PHONE), **fields)
    )
    return appeal


def test_it_classifies_and_routes_by_the_employer_named_in_the_text():
    wangjing = Org.objects.get(admin_code="110105026")
    firm = create_enterprise(
        name="北京望京顺达物流有限公司", uscc="91110000600037341L", street=wangjing
    )
    appeal = file("我在顺达物流有限公司当司机，公司拖欠三个月工资了，一直不发。")
    assert appeal.category == appeal.triage_category == "wages"
    assert appeal.enterprise == firm
    assert appeal.employer_name == "顺达物流有限公司"
    assert appeal.street == wangjing and appeal.assigned_org == wangjing
    assert appeal.suggested_org == wangjing


def test_it_keeps_the_callers_category_and_marks_no_triage():
    appeal = file("公司拖欠三个月工资了，一直不发，请帮忙。", category="contract")
    assert appeal.category == "contract" and appeal.triage_category == ""


def test_it_flags_nonsense_for_a_person_and_still_stores_it():
    appeal = file("asdfghjkl qwertyuiop zxcv")
    assert appeal.category == "other" and appeal.needs_review


def dispatcher(city_admin):
    StaffRole.objects.get_or_create(user=city_admin.user, org=city_admin.org, role=Role.DISPATCHER)
    return city_admin


def test_it_stores_the_dispatchers_corrections_and_learns_from_them(city_admin):
    admin = dispatcher(city_admin)
    appeal = file("请问单位不给交社保怎么办？", address="海淀区中关村")
    assert appeal.status == "received"  # an enquiry located by words waits
    suggested = appeal.suggested_org
    r = admin.api().post(
        f"/api/v1/appeals/{appeal.pk}/recategorise",
        json.dumps({"category": "contract"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["category"] == "contract"
    wangjing = Org.objects.get(admin_code="110105026")
    r = admin.api().post(
        f"/api/v1/appeals/{appeal.pk}/dispatch",
        json.dumps({"org_id": wangjing.pk}),
        content_type="application/json",
    )
    assert r.status_code == 200
    rows = {(c.field, c.old_value, c.new_value) for c in Correction.objects.filter(appeal=appeal)}
    assert rows == {
        ("category", appeal.triage_category, "contract"),
        ("org", str(suggested.pk), str(wangjing.pk)),
    }
    assert training.correction_rows() == [(appeal.text, "contract")]
    model = training.train(use_corrections=True)
    assert model.meta["rows"]["corrections"] == 1


def test_it_refuses_an_unknown_category_on_recategorise(city_admin):
    admin = dispatcher(city_admin)
    appeal = file("请问单位不给交社保怎么办？", address="海淀区中关村")
    r = admin.api().post(
        f"/api/v1/appeals/{appeal.pk}/recategorise",
        json.dumps({"category": "nope"}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert not Correction.objects.exists()
    assert Appeal.objects.get(pk=appeal.pk).category == appeal.category


def test_it_suggests_duplicates_by_place_only_for_a_close_text():
    first = file("望京街道这边一家饭店拖欠了我们几个服务员两个月的工资", phone="13800000001")
    other = file("望京这边想问问怎么加入工会办会员卡", phone="13800000002")
    qs = Appeal.objects.all()
    found = duplicates.find(
        qs, text="望京街道一家饭店拖欠我们服务员两个月工资", street_id=first.street_id
    )
    assert [d["appeal"] for d in found] == [first]
    assert found[0]["why"] == "place"
    assert other not in [d["appeal"] for d in found]
    assert duplicates.find(qs, text="短") == []


def test_it_offers_the_worker_their_earlier_report(courier, client):
    earlier = file("公司拖欠我三个月工资，老板一直不给，请帮忙讨薪。", phone=courier.worker.phone)
    session = client.session
    session["worker_id"] = courier.worker.pk
    session.save()
    body = {
        "text": "公司拖欠我三个月的工资，老板一直不给钱，请帮忙。",
        "kind": "",
        "category": "",
        "form_token": "a" * 32,
        "crs": "wgs84",
    }
    page = client.post("/h5/appeal/new/", body)
    assert page.status_code == 200
    html = page.content.decode()
    assert "您已于" in html and earlier.ticket_no in html
    assert 'name="confirm_new"' in html
    assert Appeal.objects.count() == 1  # nothing stored yet
    filed = client.post("/h5/appeal/new/", {**body, "confirm_new": "1"})
    assert filed.status_code == 302
    assert Appeal.objects.count() == 2
    # Something else entirely is filed at once.
    other = client.post(
        "/h5/appeal/new/",
        {**body, "text": "想问一下工会会员卡在哪里办理，需要什么材料？", "form_token": "b" * 32},
    )
    assert other.status_code == 302 and Appeal.objects.count() == 3


def test_it_shows_the_operator_the_suggestion_and_articles_while_typing(city_admin):
    StaffRole.objects.get_or_create(user=city_admin.user, org=city_admin.org, role=Role.OPERATOR)
    page = (
        city_admin.browser()
        .get(
            "/console/appeals/new/lookup/",
            {"phone": "", "text": "公司三个月没发工资了，老板拖着不给"},
        )
        .content.decode()
    )
    assert "智能分类建议" in page and "拖欠工资与劳动报酬" in page
    assert "建议承办单位" in page
    assert "相关法条" in page and "《" in page
