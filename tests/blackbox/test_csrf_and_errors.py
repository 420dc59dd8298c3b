"""CSRF applies to the session cookie only, and every API error is JSON with code and detail."""

from .support import COURIER_PHONE, refused

TEXT = {"text": "公司拖欠工资三个月了，请工会帮忙。"}


def test_it_refuses_a_session_cookie_post_without_the_csrf_token(browser_session):
    console = browser_session("district_supervisor")

    missing = console.client.post("/api/v1/triage", json=TEXT)
    wrong = console.client.post("/api/v1/triage", json=TEXT, headers={"X-CSRFToken": "x" * 32})
    passed = console.client.post(
        "/api/v1/triage", json=TEXT, headers={"X-CSRFToken": console.csrf_token}
    )

    body = refused(missing, 403, "csrf_failed")
    assert "CSRF" in body["detail"]
    refused(wrong, 403, "csrf_failed")
    assert passed.status_code == 200, passed.text
    assert passed.json()["category"] == "wages"
    # Reading needs no token: the cookie alone authenticates a GET.
    assert console.client.get("/api/v1/orgs", params={"limit": 1}).json()["count"] == 44


def test_it_never_asks_a_bearer_or_api_key_post_for_a_csrf_token(staff, api_key_client):
    bearer = staff("district_supervisor").post("/api/v1/triage", json=TEXT)
    keyed = api_key_client.post("/api/v1/triage", json=TEXT)

    assert bearer.status_code == 200, bearer.text
    assert keyed.status_code == 200, keyed.text


def test_it_authenticates_by_the_bearer_when_a_request_also_carries_a_session(
    browser_session, staff
):
    console = browser_session("city_admin")
    token = staff("outsider").headers["Authorization"]

    answer = console.client.post("/api/v1/triage", json=TEXT, headers={"Authorization": token})
    scoped = console.client.get("/api/v1/orgs", headers={"Authorization": token})

    assert answer.status_code == 200, answer.text
    assert scoped.json()["count"] == 1  # the outsider's street, not the city admin's 357


def test_it_answers_every_kind_of_error_as_json(anonymous, staff):
    supervisor = staff("district_supervisor")

    refused(anonymous.get("/api/v1/appeals"), 401, "not_authenticated")
    refused(
        anonymous.get("/api/v1/orgs", headers={"Authorization": "Bearer st_nope"}),
        401,
        "not_authenticated",
    )
    refused(
        anonymous.post("/api/v1/auth/token", json={"username": "bb-city_admin", "password": "no"}),
        401,
        "invalid_credentials",
    )
    refused(supervisor.get("/api/v1/orgs/99999999"), 404, "not_found")
    refused(supervisor.get("/api/v1/no-such-route"), 404, "not_found")
    refused(
        supervisor.post(
            "/api/v1/triage", content=b"{not json", headers={"Content-Type": "application/json"}
        ),
        400,
        "malformed_json",
    )
    schema = refused(supervisor.post("/api/v1/triage", json={"text": 12}), 422, "invalid_request")
    assert schema["errors"]
    refused(supervisor.get("/api/v1/orgs", params={"limit": "many"}), 422, "invalid_request")
    refused(
        anonymous.post("/api/v1/auth/otp/request", json={"phone": "12345"}), 422, "invalid_phone"
    )
    english = anonymous.get("/api/v1/appeals", headers={"Accept-Language": "en"})
    assert english.json()["code"] == "not_authenticated"
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.json()["detail"])
    wrong_method = refused(supervisor.delete("/api/v1/triage"), 405, "method_not_allowed")
    assert "DELETE" in wrong_method["detail"]
    assert supervisor.delete("/api/v1/triage").headers["Allow"] == "POST"


def test_it_keeps_workers_out_of_staff_routes_and_staff_out_of_worker_routes(worker, staff):
    courier, handler = worker(COURIER_PHONE), staff("street_handler")

    refused(courier.get("/api/v1/appeals"), 401, "not_authenticated")
    refused(courier.post("/api/v1/triage", json=TEXT), 401, "not_authenticated")
    refused(handler.get("/api/v1/members/me"), 401, "not_authenticated")
    refused(handler.get("/api/v1/auth/me"), 401, "not_authenticated")


def test_it_serves_the_openapi_document_in_production(anonymous):
    answer = anonymous.get("/api/v1/openapi.json")

    assert answer.status_code == 200
    paths = answer.json()["paths"]
    assert "/api/v1/appeals" in paths
    assert "/api/v1/appeals/{appeal_id}/dispatch" in paths
    assert "/api/v1/members/join" in paths
