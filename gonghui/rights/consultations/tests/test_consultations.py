"""Platform consultation: a riders' round table in 朝阳 with 美团, a meeting of the three
sides with agreed items (one from a worker's appeal), done, reported back, overdue;
refusals; and the permission matrix of every route."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org
from gonghui.rights.consultations.models import AgreedItem, Meeting
from gonghui.rights.tests.conftest import file_appeal, post  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/rights/consultations"
SIDES = [
    {"side": "workers", "name": "骑手代表 李强"},
    {"side": "platform", "name": "美团 北京区域负责人"},
    {"side": "union", "name": "朝阳区总工会"},
]


def _mechanism(client) -> int:
    chaoyang = Org.objects.get(admin_code="110105").pk
    body = {"platform": "美团", "name": "朝阳区美团骑手恳谈会", "org_id": chaoyang}
    response = post(client, URL, body)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _meeting(client, mid, **over):
    today = timezone.localdate()
    data = {
        "held_on": (today - timedelta(days=20)).isoformat(),
        "place": "朝阳区职工服务中心",
        "attendees": SIDES,
        "summary": "骑手反映配送超时罚款过重、驿站休息点不足。",
        "items": [
            {
                "text": "恶劣天气配送超时免罚",
                "owner": "美团",
                "due": (today - timedelta(days=1)).isoformat(),
            },
            {
                "text": "新增三处骑手休息点",
                "owner": "朝阳区总工会",
                "due": (today + timedelta(days=30)).isoformat(),
            },
        ],
    }
    data.update(over)
    return post(client, f"{URL}/{mid}/meetings", data)


def test_it_tracks_a_round_tables_items_to_the_workers(city_admin, file_appeal):  # noqa: F811
    client = city_admin.api()
    mid = _mechanism(client)
    again = post(
        client,
        URL,
        {"platform": "美团", "name": "重复", "org_id": Org.objects.get(admin_code="110105").pk},
    )
    assert again.status_code == 409 and again.json()["code"] == "mechanism_exists"
    appeal_id = file_appeal().json()["id"]
    items = [
        {
            "text": "核查投诉骑手被扣款问题",
            "owner": "美团",
            "due": timezone.localdate().isoformat(),
            "appeal_id": appeal_id,
        }
    ]
    body = _meeting(client, mid).json()
    assert _meeting(client, mid, items=items).status_code == 201
    first = body["meetings"][0]["items"]
    assert [i["overdue"] for i in first] == [True, False]
    assert AgreedItem.objects.filter(appeal_id=appeal_id).count() == 1
    item = first[0]["id"]
    early = post(client, f"{URL}/items/{item}/report-back", {"note": "已告知"})
    assert early.status_code == 409 and early.json()["code"] == "not_done"
    done = post(client, f"{URL}/items/{item}/done", {"note": "平台已发布恶劣天气免罚规则"}).json()
    assert done["done_on"] and done["overdue"] is False
    told = post(client, f"{URL}/items/{item}/report-back", {"note": "已在骑手群和驿站公告"}).json()
    assert told["reported_on"]
    assert post(client, f"{URL}/items/{item}/done", {"note": "x"}).json()["code"] == "already_done"


def test_it_refuses_a_meeting_without_all_three_sides_and_stores_nothing(district_supervisor):
    client = district_supervisor.api()
    mid = _mechanism(client)
    response = _meeting(client, mid, attendees=SIDES[:2])
    assert response.status_code == 422 and response.json()["code"] == "sides_missing"
    past_due = [{"text": "x", "owner": "美团", "due": "2020-01-01"}]
    assert _meeting(client, mid, items=past_due).json()["code"] == "invalid_due"
    assert not Meeting.objects.exists()


def test_it_guards_every_route(personas, district_supervisor):
    mid = _mechanism(district_supervisor.api())
    item = _meeting(district_supervisor.api(), mid).json()["meetings"][0]["items"][0]["id"]
    see = {
        "street_handler": 404,
        "district_supervisor": 200,
        "city_admin": 200,
        "outsider": 404,
        "courier": 401,
    }
    check_matrix(personas, lambda p: p.api().get(f"{URL}/{mid}"), see)
    check_matrix(
        personas, lambda p: p.api().get(URL), {**see, "street_handler": 200, "outsider": 200}
    )
    check_matrix(
        personas,
        lambda p: _meeting(p.api(), mid),
        {**see, "district_supervisor": 201, "city_admin": 201},
    )
    check_matrix(
        personas,
        lambda p: post(p.api(), f"{URL}/items/{item}/done", {"note": "已落实"}),
        {"outsider": 404, "courier": 401, "street_handler": 404, "district_supervisor": 200},
    )
    check_matrix(
        personas,
        lambda p: post(p.api(), f"{URL}/items/{item}/report-back", {"note": "已反馈"}),
        {"outsider": 404, "courier": 401, "street_handler": 404, "city_admin": 200},
    )
    chaoyang = Org.objects.get(admin_code="110105").pk
    check_matrix(
        personas,
        lambda p: post(
            p.api(), URL, {"platform": f"饿了么{p.name}", "name": "恳谈会", "org_id": chaoyang}
        ),
        {"outsider": 422, "courier": 401, "street_handler": 422, "district_supervisor": 201},
    )
