"""Rights protection over real HTTP: an appeal becomes a mediation case that goes to a
kept agreement and closes with the recovered amounts; a legal-aid case meets the
conflict check, a supervisor's override, service and closing; the figures move."""

from decimal import Decimal

from .support import COURIER_PHONE, org_id, refused

# No place and no employer: triage leaves it in the city queue for the dispatcher.
APPEAL_TEXT = "这家店拖欠我三个月工资两万元，还不给加班费，老板一直推脱，请工会帮忙调解。"
USCC = "91110105MA01BB7X0U"  # a valid code (GB 32100 check character)


def step(client, pk: int, action: str, **body):
    return client.post(f"/api/v1/rights/disputes/{pk}/{action}", json=body)


def stats(client, org: int) -> dict:
    answer = client.get("/api/v1/rights/stats", params={"org": org})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_it_carries_an_appeal_to_a_kept_mediation_agreement(staff, worker):
    courier = worker(COURIER_PHONE)
    dispatcher, handler = staff("city_dispatcher"), staff("street_handler")
    supervisor, outsider = staff("district_supervisor"), staff("outsider")
    wangjing = org_id(dispatcher, "望京街道", "110105026")
    before = stats(supervisor, wangjing)

    appeal = courier.post("/api/v1/appeals", json={"text": APPEAL_TEXT})
    assert appeal.status_code == 201, appeal.text
    appeal_id = appeal.json()["id"]
    moved = dispatcher.post(
        f"/api/v1/appeals/{appeal_id}/dispatch", json={"org_id": wangjing, "note": "调解"}
    )
    assert moved.status_code == 200, moved.text

    url = f"/api/v1/appeals/{appeal_id}/to-dispute"
    claims = [{"kind": "wages", "amount": "20000"}]
    refused(outsider.post(url, json={"org_id": wangjing, "claims": claims}), 404, "not_found")
    created = handler.post(url, json={"org_id": wangjing, "claims": claims})
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["status"] == "received" and case["collective"] is False
    assert case["case_no"].startswith("TJ-") and case["arbitration_right_from"]
    pk = case["id"]
    refused(handler.post(url, json={"org_id": wangjing}), 409, "already_converted")
    refused(outsider.get(f"/api/v1/rights/disputes/{pk}"), 404, "not_found")

    assert step(handler, pk, "accept").json()["status"] == "accepted"
    # The worker adds the overtime pay before the session: the claims are replaced.
    edited = handler.put(
        f"/api/v1/rights/disputes/{pk}/claims",
        json={
            "claims": [
                {"kind": "wages", "amount": "20000"},
                {"kind": "overtime", "amount": "3500.50"},
            ],
            "reason": "补充加班费",
        },
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["claimed"] == "23500.50"
    refused(
        handler.put(f"/api/v1/rights/disputes/{pk}/claims", json={"claims": [{"kind": "x"}]}),
        422,
        "invalid_claim_kind",
    )
    session = step(
        handler, pk, "session", place="望京街道职工服务中心", attendees="申请人、用人单位、调解员"
    )
    assert session.status_code == 200, session.text
    refused(
        step(handler, pk, "agree", items=claims, perform_by="2020-01-01"), 422, "perform_by_in_past"
    )
    agreed = step(
        handler,
        pk,
        "agree",
        items=[{"kind": "wages", "amount": "18000"}, {"kind": "overtime", "amount": "3000"}],
        perform_by="2099-12-31",
    )
    assert agreed.status_code == 200, agreed.text
    assert agreed.json()["status"] == "agreed" and agreed.json()["agreed"] == "21000.00"
    refused(
        handler.put(f"/api/v1/rights/disputes/{pk}/claims", json={"claims": claims}),
        409,
        "claims_locked",
    )
    pdf = handler.get(f"/api/v1/rights/disputes/{pk}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    refused(outsider.get(f"/api/v1/rights/disputes/{pk}/agreement.pdf"), 404, "not_found")

    assert step(handler, pk, "performed").json()["status"] == "performed"
    refused(
        step(handler, pk, "agree", items=claims, perform_by="2099-12-31"), 409, "invalid_transition"
    )
    closed = step(
        handler,
        pk,
        "close",
        outcome="performed",
        recovered=[{"kind": "wages", "amount": "18000"}, {"kind": "overtime", "amount": "3000"}],
    )
    assert closed.status_code == 200, closed.text
    detail = supervisor.get(f"/api/v1/rights/disputes/{pk}").json()
    assert detail["status"] == "closed" and detail["recovered"] == "21000.00"
    assert detail["appeal_id"] == appeal_id
    lines = [e["action"] for e in detail["timeline"]]
    for action in ("receive", "from_appeal", "accept", "claims", "session", "agree", "close"):
        assert action in lines, lines

    after = stats(supervisor, wangjing)
    assert after["disputes"] == before["disputes"] + 1
    assert after["agreements"] == before["agreements"] + 1
    assert Decimal(after["claimed"]) - Decimal(before["claimed"]) == Decimal("23500.50")
    assert Decimal(after["recovered"]) - Decimal(before["recovered"]) == Decimal("21000.00")
    refused(outsider.get("/api/v1/rights/stats", params={"org": wangjing}), 404, "not_found")


def test_it_checks_conflicts_before_a_lawyer_takes_a_legal_aid_case(staff):
    handler, supervisor, outsider = (
        staff("street_handler"),
        staff("district_supervisor"),
        staff("outsider"),
    )
    wangjing = org_id(supervisor, "望京街道", "110105026")
    lawyer = supervisor.post(
        "/api/v1/rights/lawyers",
        json={
            "name": "韩律师",
            "firm": "北京市某某律师事务所",
            "phone": "13511119876",
            "org_ids": [wangjing],
            "engagements": [{"party_name": "北京望京黑盒餐饮管理有限公司", "party_uscc": USCC}],
        },
    )
    assert lawyer.status_code == 201, lawyer.text
    lawyer_id = lawyer.json()["id"]
    assert lawyer_id in [x["id"] for x in handler.get("/api/v1/rights/lawyers").json()]

    aid = handler.post(
        "/api/v1/rights/legal-aid",
        json={
            "org_id": wangjing,
            "applicant": {"name": "钱磊", "phone": "13822229876"},
            # The same employer under other suffixes, no credit code given.
            "employer": {"name": "望京黑盒餐饮管理（北京）有限责任公司"},
            "matter": "公司拖欠工资并违法解除劳动合同，要求支付经济补偿。",
            "monthly_income": "3500",
        },
    )
    assert aid.status_code == 201, aid.text
    case = aid.json()
    assert case["status"] == "screening"
    assert all(c["passed"] for c in case["eligibility"]), case["eligibility"]
    url = f"/api/v1/rights/legal-aid/{case['id']}"
    refused(outsider.get(url), 404, "not_found")

    conflict = refused(
        handler.post(f"{url}/assign", json={"lawyer_id": lawyer_id}), 409, "conflict"
    )
    assert conflict["matches"] and conflict["matches"][0]["lawyer_id"] == lawyer_id
    forced = {"lawyer_id": lawyer_id, "override_reason": "原委托已于三年前终止，经负责人审批"}
    refused(handler.post(f"{url}/assign", json=forced), 403, "forbidden_role")
    assigned = supervisor.post(f"{url}/assign", json=forced)
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "accepted"
    assert assigned.json()["lawyer"]["id"] == lawyer_id

    served = handler.post(f"{url}/serve", json={"note": "代写仲裁申请书"})
    assert served.status_code == 200 and served.json()["status"] == "in_service"
    closed = handler.post(f"{url}/close", json={"outcome": "arbitration_won", "recovered": "16000"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["recovered"] == "16000.00"
    lines = [e["action"] for e in supervisor.get(url).json()["timeline"]]
    assert lines[:1] == ["intake"] and "conflict_override" in lines and lines[-1] == "close"
