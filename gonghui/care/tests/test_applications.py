"""Relief applications end to end over the API: checklist, refusals, staged review."""

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.models import Worker
from gonghui.accounts.services import issue_worker_token
from gonghui.care.models import Application, Document, Event
from gonghui.care.tests.conftest import ALL_ITEMS, apply, upload
from gonghui.core.models import AuditLog, OutboxMessage
from gonghui.core.testing import check_matrix


def codes(items):
    return [m["code"] for m in items]


def ready(courier, member):
    """A submitted application with every paper uploaded."""
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    for code in ALL_ITEMS:
        assert upload(client, app_id, code).status_code == 200
    assert client.post(f"/api/v1/care/applications/{app_id}/submit").status_code == 200
    return app_id


def test_it_lists_the_critical_illness_programme_with_conditional_materials(client, db):
    body = client.get("/api/v1/care/programmes").json()
    ci = next(p for p in body if p["code"] == "critical_illness")
    by_code = {m["code"]: m for m in ci["materials"]}
    assert by_code["employer_letter"]["required_if"] == {"employed": True}
    assert "required_if" not in by_code["id_card"]
    assert "mutual_aid" not in [p["code"] for p in body]


def test_it_opens_a_draft_that_says_at_once_what_is_missing(courier, member):
    resp = apply(courier.api(), member)
    assert resp.status_code == 201
    body = resp.json()
    assert body["status"] == "draft"
    assert codes(body["missing"]) == ALL_ITEMS
    assert body["missing"][1] == {"code": "diagnosis", "name": "诊断证明"}


def test_it_leaves_out_materials_whose_condition_does_not_hold(courier, member):
    body = apply(courier.api(), member, {"employed": False, "hospitalised": False}).json()
    assert codes(body["missing"]) == ["id_card", "diagnosis", "bank_card"]


def test_it_shrinks_the_missing_list_with_each_upload(courier, member):
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    resp = upload(client, app_id, "diagnosis")
    assert resp.status_code == 200
    assert "diagnosis" not in codes(resp.json()["missing"])
    assert len(resp.json()["missing"]) == 4


def test_it_refuses_a_file_that_is_not_a_photo_or_pdf_and_changes_nothing(courier, member):
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    before = Event.objects.filter(application_id=app_id).count()
    fake = SimpleUploadedFile("bill.png", b"MZ\x90\x00 not really a picture", "image/png")
    resp = upload(client, app_id, "diagnosis", fake)
    assert resp.status_code == 422 and resp.json()["code"] == "invalid_attachment"
    assert not Document.objects.filter(application_id=app_id).exists()
    assert Event.objects.filter(application_id=app_id).count() == before
    assert "diagnosis" in codes(client.get(f"/api/v1/care/applications/{app_id}").json()["missing"])


def test_it_refuses_a_file_above_the_size_limit(courier, member, settings):
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    resp = upload(client, app_id, "diagnosis", big)
    assert resp.status_code == 422 and resp.json()["code"] == "attachment_too_large"
    assert not Document.objects.filter(application_id=app_id).exists()


def test_it_refuses_an_unknown_material(courier, member):
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    resp = upload(client, app_id, "passport")
    assert resp.status_code == 422 and resp.json()["code"] == "unknown_material"
    assert not Document.objects.filter(application_id=app_id).exists()


def test_it_refuses_bad_applications_with_422_and_stores_nothing(courier, member):
    client = courier.api()
    bad_id = member.id_number[:-1] + ("0" if member.id_number[-1] != "0" else "1")
    cases = [
        ({"programme": "moon_aid"}, "unknown_programme"),
        ({"id_number": bad_id}, "invalid_id_number"),
        ({"facts": {"out_of_pocket": "-5"}}, "invalid_amount"),
        ({"facts": {"salary": 3}}, "unknown_fact"),
        ({"facts": {"employed": "yes"}}, "invalid_fact"),
    ]
    for change, code in cases:
        payload = {
            "programme": change.get("programme", "critical_illness"),
            "applicant": {
                "name": member.name,
                "id_number": change.get("id_number", member.id_number),
            },
            "facts": change.get("facts", {}),
        }
        resp = client.post("/api/v1/care/applications", payload, content_type="application/json")
        assert resp.status_code == 422, (change, resp.content)
        assert resp.json()["code"] == code and resp.json()["detail"]
    assert not Application.objects.exists()


def test_it_refuses_a_non_member_for_a_members_programme(courier, union):
    from gonghui.members.testing import make_id_number

    resp = courier.api().post(
        "/api/v1/care/applications",
        {
            "programme": "critical_illness",
            "applicant": {"name": "李四", "id_number": make_id_number(99)},
        },
        content_type="application/json",
    )
    assert resp.status_code == 422 and resp.json()["code"] == "not_eligible"


def test_it_refuses_to_submit_an_incomplete_application_naming_each_item(courier, member):
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    upload(client, app_id, "id_card")
    resp = client.post(f"/api/v1/care/applications/{app_id}/submit")
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "incomplete"
    assert codes(body["missing"]) == ["diagnosis", "invoices", "employer_letter", "bank_card"]
    assert "诊断证明" in body["detail"] and "银行卡" in body["detail"]
    assert Application.objects.get(pk=app_id).status == "draft"


def test_it_runs_the_staged_review_to_the_district(
    courier, member, union_staff, street_handler, district_supervisor
):
    app_id = ready(courier, member)
    url = f"/api/v1/care/applications/{app_id}"
    assert courier.api().get(url).json()["stage"] == "grassroots"
    # The district cannot jump the street's stage, nor the street the grassroots' one
    # twice: each stage is its own step.
    r = union_staff.client.post(f"{url}/approve", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "street_review"
    assert union_staff.client.post(f"{url}/approve").status_code == 403  # not at the street
    r = street_handler.api().post(f"{url}/approve")
    assert r.status_code == 200 and r.json()["stage"] == "district"
    assert street_handler.api().post(f"{url}/approve").status_code == 403
    r = district_supervisor.api().post(f"{url}/approve")
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
    assert r.json()["amount"] == "3000.00"  # 23000 out of pocket: the 10000–50000 band
    timeline = courier.api().get(url).json()["timeline"]
    assert [e["action"] for e in timeline][-4:] == [
        "submit",
        "approve_grassroots",
        "approve_street",
        "approve_district",
    ]
    assert "by" not in timeline[-1]  # workers do not see staff user names
    assert AuditLog.objects.filter(action="care.application.approve_street").exists()
    assert OutboxMessage.objects.filter(to_hash=courier.worker.phone_hash).count() == 4


def test_it_keeps_one_person_from_approving_two_stages(courier, member, street_handler):
    app_id = ready(courier, member)
    url = f"/api/v1/care/applications/{app_id}"
    assert street_handler.api().post(f"{url}/approve").status_code == 200  # for the grassroots
    resp = street_handler.api().post(f"{url}/approve")
    assert resp.status_code == 403 and resp.json()["code"] == "same_reviewer"
    assert Application.objects.get(pk=app_id).status == "street_review"


def test_it_returns_items_to_fix_and_lists_them_as_missing_until_replaced(
    courier, member, union_staff
):
    app_id = ready(courier, member)
    url = f"/api/v1/care/applications/{app_id}"
    r = union_staff.client.post(
        f"{url}/return",
        {"items": ["invoices"], "note": "发票不清晰"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert codes(courier.api().get(url).json()["missing"]) == ["invoices"]
    resp = courier.api().post(f"{url}/submit")
    assert resp.status_code == 422 and codes(resp.json()["missing"]) == ["invoices"]
    upload(courier.api(), app_id, "invoices")
    assert courier.api().post(f"{url}/submit").json()["status"] == "submitted"
    sms = OutboxMessage.objects.filter(to_hash=courier.worker.phone_hash, text__contains="住院发票")
    assert sms.exists()


def test_it_refuses_a_return_without_known_items_and_a_reject_without_reason(
    courier, member, union_staff
):
    app_id = ready(courier, member)
    url = f"/api/v1/care/applications/{app_id}"
    r = union_staff.client.post(f"{url}/return", {"items": []}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_items"
    r = union_staff.client.post(f"{url}/return", {"items": ["x"]}, content_type="application/json")
    assert r.status_code == 422
    r = union_staff.client.post(f"{url}/reject", {"reason": " "}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    assert Application.objects.get(pk=app_id).status == "submitted"
    r = union_staff.client.post(
        f"{url}/reject", {"reason": "已获同类救助"}, content_type="application/json"
    )
    assert r.json()["status"] == "rejected"
    assert union_staff.client.post(f"{url}/approve").status_code == 409
    assert union_staff.client.post(f"{url}/fly").status_code == 404


def test_it_lets_staff_apply_for_a_worker_of_their_unions_only(street_handler, outsider, member):
    assert apply(street_handler.api(), member).status_code == 201
    assert apply(outsider.api(), member).status_code == 404
    assert Application.objects.count() == 1


def test_the_permission_matrix_of_an_application(personas, member, union_staff):
    app_id = apply(personas["courier"].api(), member).json()["id"]
    url = f"/api/v1/care/applications/{app_id}"
    check_matrix(
        personas,
        lambda p: p.api().get(url),
        {
            "courier": 200,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
    other = Worker.objects.create(phone="13900001111")
    token, _ = issue_worker_token(other)
    from django.test import Client

    stranger = Client(headers={"Authorization": f"Bearer {token}"})
    assert stranger.get(url).status_code == 404
    assert upload(stranger, app_id, "id_card").status_code == 404
    assert stranger.get("/api/v1/care/applications").json() == []
    assert personas["courier"].api().post(f"{url}/approve").status_code == 401
    assert personas["outsider"].api().post(f"{url}/approve").status_code == 404
    assert personas["outsider"].api().get("/api/v1/care/applications").json() == []


def test_it_caps_the_amount_by_the_yearly_cap(
    courier, member, union_staff, street_handler, district_supervisor
):
    facts = {"employed": True, "hospitalised": True, "out_of_pocket": "200000"}
    amounts = []
    for _round in range(2):
        client = courier.api()
        app_id = apply(client, member, facts).json()["id"]
        for code in ALL_ITEMS:
            upload(client, app_id, code)
        client.post(f"/api/v1/care/applications/{app_id}/submit")
        url = f"/api/v1/care/applications/{app_id}"
        union_staff.client.post(f"{url}/approve")
        street_handler.api().post(f"{url}/approve")
        amounts.append(district_supervisor.api().post(f"{url}/approve").json()["amount"])
    assert amounts == ["10000.00", "0.00"]
