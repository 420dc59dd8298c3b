"""Join, approval and the member card over real HTTP."""

from .support import org_id, refused

WORKER_PHONE = "13712345678"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(body17: str) -> str:
    """Return a resident ID number with its GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


def test_it_takes_a_gig_worker_from_join_to_an_active_member_card(worker, staff):
    courier = worker(WORKER_PHONE)
    handler, supervisor, outsider = (
        staff("street_handler"),
        staff("district_supervisor"),
        staff("outsider"),
    )
    wangjing = org_id(handler, "望京街道", "110105026")
    id_number = resident_id("11010519900307123")
    join = {
        "name": "李快递",
        "declaration": True,
        "privacy_consent": True,
        "id_number": id_number,
        "gig_platform": "sf",
        "job_type": "courier",
        "street_id": wangjing,
    }

    bad = dict(join, id_number=id_number[:-1] + ("0" if id_number[-1] != "0" else "1"))
    refused(courier.post("/api/v1/members/join", json=bad), 422, "invalid_id_number")
    assert courier.get("/api/v1/members/me").json()["status"] == "none"

    applied = courier.post("/api/v1/members/join", json=join)

    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert (application["status"], application["union"]["name"]) == ("pending", "望京街道总工会")
    app_id = application["application_id"]
    refused(courier.post("/api/v1/members/join", json=join), 409, "application_pending")
    assert courier.get("/api/v1/members/me").json()["status"] == "pending"

    listed = handler.get("/api/v1/members/applications", params={"status": "pending"}).json()
    mine = [a for a in listed["results"] if a["id"] == app_id]
    assert len(mine) == 1
    assert mine[0]["id_number"] != id_number and mine[0]["id_number"].endswith(
        id_number[14:16] + "**"
    )
    assert mine[0]["phone"] != WORKER_PHONE and "*" in mine[0]["phone"]
    refused(outsider.get(f"/api/v1/members/applications/{app_id}"), 404, "not_found")
    refused(outsider.post(f"/api/v1/members/applications/{app_id}/approve"), 404, "not_found")
    refused(
        supervisor.post(f"/api/v1/members/applications/{app_id}/approve"), 403, "forbidden_role"
    )

    approved = handler.post(f"/api/v1/members/applications/{app_id}/approve")

    assert approved.status_code == 200, approved.text
    number = approved.json()["member_number"]
    assert approved.json()["status"] == "approved" and number
    refused(
        handler.post(f"/api/v1/members/applications/{app_id}/approve"), 409, "invalid_transition"
    )

    card = courier.get("/api/v1/members/me").json()
    assert card["status"] == "active"
    assert (card["member_number"], card["name"]) == (number, "李快递")
    assert card["union"]["name"] == "望京街道总工会"
    assert card["id_number"] != id_number and card["id_number"].endswith(id_number[14:16] + "**")
    assert [p["union"]["name"] for p in card["periods"]] == ["望京街道总工会"]
    refused(courier.post("/api/v1/members/join", json=join), 409, "already_member")

    found = handler.get("/api/v1/members", params={"q": number}).json()["results"]
    assert [m["member_number"] for m in found] == [number]
    assert outsider.get("/api/v1/members", params={"q": number}).json()["results"] == []
