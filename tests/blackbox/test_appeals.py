"""The appeal chain over real HTTP: intake, dispatch, accept, contact, resolve, evaluation."""

import re

from .support import COURIER_PHONE, org_id, refused

TICKET = re.compile(r"^12351-\d{8}-\d{6}$")
# No place, no employer: triage cannot route it, so it waits in the city's queue.
WAGE_TEXT = "我干了三个月的活，老板一直拖欠工资两万元不给，打电话也不接，请工会帮我讨薪。"


def act(client, appeal_id: int, action: str, **body):
    return client.post(f"/api/v1/appeals/{appeal_id}/{action}", json=body)


def test_it_carries_a_worker_appeal_from_intake_to_the_workers_evaluation(staff, worker, anonymous):
    courier = worker(COURIER_PHONE)
    dispatcher, handler = staff("city_dispatcher"), staff("street_handler")
    supervisor, outsider = staff("district_supervisor"), staff("outsider")
    wangjing = org_id(dispatcher, "望京街道", "110105026")

    filed = courier.post("/api/v1/appeals", json={"text": WAGE_TEXT})

    assert filed.status_code == 201, filed.text
    appeal = filed.json()
    assert TICKET.match(appeal["ticket_no"])
    assert (appeal["status"], appeal["category"], appeal["assigned_org"]) == (
        "received",
        "wages",
        None,
    )
    pk, ticket = appeal["id"], appeal["ticket_no"]
    # Still in the city queue: no one below the city sees it yet.
    refused(handler.get(f"/api/v1/appeals/{pk}"), 404, "not_found")
    refused(outsider.get(f"/api/v1/appeals/{pk}"), 404, "not_found")

    dispatched = act(dispatcher, pk, "dispatch", org_id=wangjing, note="望京辖区，请核实")
    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["status"] == "dispatched"
    assert dispatched.json()["assigned_org"]["id"] == wangjing
    assert dispatched.json()["deadlines"]["accept_by"] is not None

    # In scope but not a handler's role; out of scope is a 404, never a 403.
    refused(act(supervisor, pk, "accept"), 403, "forbidden_role")
    refused(act(outsider, pk, "accept"), 404, "not_found")
    refused(outsider.get(f"/api/v1/appeals/{pk}"), 404, "not_found")
    assert pk not in [a["id"] for a in outsider.get("/api/v1/appeals").json()["results"]]
    assert pk in [a["id"] for a in handler.get("/api/v1/appeals").json()["results"]]

    assert act(handler, pk, "accept").json()["status"] == "accepted"
    refused(act(handler, pk, "contact"), 422, "note_required")
    assert (
        act(handler, pk, "contact", note="已电话联系职工，约定明天到店核实").json()["status"]
        == "in_progress"
    )
    resolved = act(handler, pk, "resolve", reply="经协调，用人单位已于今日支付拖欠工资两万元。")
    assert resolved.json()["status"] == "resolved"
    refused(act(handler, pk, "resolve", reply="再办一次"), 409, "invalid_transition")

    # The worker tracks it with the ticket and the phone's last four digits, no login.
    refused(
        anonymous.get("/api/v1/appeals/track", params={"ticket_no": ticket, "phone_last4": "0000"}),
        404,
        "not_found",
    )
    tracked = anonymous.get(
        "/api/v1/appeals/track", params={"ticket_no": ticket, "phone_last4": COURIER_PHONE[-4:]}
    )
    assert tracked.status_code == 200, tracked.text
    assert tracked.json()["status"] == "resolved"
    assert tracked.json()["can_evaluate"] is True
    public = [e["event"] for e in tracked.json()["timeline"]]
    assert public == ["receive", "dispatch", "accept", "contact", "resolve"]

    evaluated = anonymous.post(
        "/api/v1/appeals/track/evaluate",
        json={
            "ticket_no": ticket,
            "phone_last4": COURIER_PHONE[-4:],
            "resolved": True,
            "satisfaction": "satisfied",
            "comment": "谢谢工会",
        },
    )
    assert evaluated.status_code == 200, evaluated.text
    assert (evaluated.json()["status"], evaluated.json()["can_evaluate"]) == ("closed", False)

    detail = handler.get(f"/api/v1/appeals/{pk}").json()
    assert detail["status"] == "closed"
    assert [e["action"] for e in detail["timeline"]] == [
        "receive",
        "dispatch",
        "accept",
        "contact",
        "resolve",
        "evaluate",
    ]
    # The handler needs the number to call back; the district supervisor sees it masked.
    assert detail["phone"] == COURIER_PHONE
    masked = supervisor.get(f"/api/v1/appeals/{pk}").json()["phone"]
    assert masked != COURIER_PHONE and masked.endswith(COURIER_PHONE[-4:]) and "*" in masked
    refused(outsider.get(f"/api/v1/appeals/{pk}"), 404, "not_found")


def test_it_takes_an_api_key_intake_once_per_idempotency_key_and_a_return(api_key_client, staff):
    dispatcher, handler = staff("city_dispatcher"), staff("street_handler")
    wangjing = org_id(dispatcher, "望京街道", "110105026")
    body = {
        "text": "公司连续两个月没发工资，说是资金周转困难，我们十几个人都没拿到钱。",
        "phone": "13912345670",
        "channel": "hotline",
        "name": "王师傅",
    }

    refused(
        api_key_client.post("/api/v1/appeals", json={"text": body["text"]}), 422, "invalid_phone"
    )
    first = api_key_client.post("/api/v1/appeals", json=body, headers={"Idempotency-Key": "c-1"})
    again = api_key_client.post("/api/v1/appeals", json=body, headers={"Idempotency-Key": "c-1"})

    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    pk = first.json()["id"]
    assert act(dispatcher, pk, "dispatch", org_id=wangjing).json()["status"] == "dispatched"
    refused(act(handler, pk, "return"), 422, "reason_required")

    returned = act(handler, pk, "return", reason="该企业注册地在海淀区，不属本街道")

    assert returned.status_code == 200, returned.text
    assert (returned.json()["status"], returned.json()["return_count"]) == ("received", 1)
    assert returned.json()["assigned_org"] is None
    # Back in the city queue: the street no longer sees it, the dispatcher does.
    refused(handler.get(f"/api/v1/appeals/{pk}"), 404, "not_found")
    detail = dispatcher.get(f"/api/v1/appeals/{pk}").json()
    assert detail["status"] == "received"
    assert [e["action"] for e in detail["timeline"]][-1] == "return"
    assert detail["timeline"][-1]["note"] == "该企业注册地在海淀区，不属本街道"
    assert detail["channel"] == "hotline"
