"""Bulk approval (all or none, with the list of failures) and the audited amount override."""

from decimal import Decimal

from gonghui.care.choices import Status
from gonghui.care.models import Application, Event
from gonghui.care.tests.conftest import complete
from gonghui.core.models import AuditLog, OutboxMessage
from gonghui.core.testing import check_matrix

BULK = "/api/v1/care/bulk-approvals"


def bulk(persona, ids):
    client = persona.client if hasattr(persona, "client") else persona.api()
    return client.post(BULK, {"application_ids": ids}, content_type="application/json")


def test_it_approves_a_whole_batch_in_one_go(member, courier, union_staff):
    apps = [complete(member, courier.worker, Status.SUBMITTED) for _ in range(3)]
    r = bulk(union_staff, [a.pk for a in apps])
    assert r.status_code == 200, r.content
    assert {a["status"] for a in r.json()["approved"]} == {"street_review"}
    assert Application.objects.filter(status=Status.STREET_REVIEW).count() == 3
    assert AuditLog.objects.filter(action="care.application.approve_grassroots").count() == 3


def test_one_failure_refuses_the_whole_batch_and_names_each_failure(member, courier, union_staff):
    good = [complete(member, courier.worker, Status.SUBMITTED) for _ in range(2)]
    draft = complete(member, courier.worker)
    sms_before = OutboxMessage.objects.count()
    r = bulk(union_staff, [good[0].pk, draft.pk, good[1].pk, 987654])
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "batch_refused" and "2件" in body["detail"]
    assert [(f["id"], f["code"]) for f in body["failures"]] == [
        (draft.pk, "invalid_transition"),
        (987654, "not_found"),
    ]
    assert all(f["detail"] for f in body["failures"])
    # Nothing of the batch was stored: statuses, events, audit rows, text messages.
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 2
    assert not Event.objects.filter(action="approve_grassroots").exists()
    assert not AuditLog.objects.filter(action__startswith="care.application.approve").exists()
    assert OutboxMessage.objects.count() == sms_before


def test_two_pairs_of_eyes_hold_in_a_batch(member, courier, street_handler):
    first = complete(member, courier.worker, Status.SUBMITTED)
    assert bulk(street_handler, [first.pk]).status_code == 200  # grassroots stage
    second = complete(member, courier.worker, Status.SUBMITTED)
    r = bulk(street_handler, [second.pk, first.pk])  # first is at the street stage now
    assert r.status_code == 409
    assert r.json()["failures"] == [
        {"id": first.pk, "code": "same_reviewer", "detail": r.json()["failures"][0]["detail"]}
    ]
    assert Application.objects.get(pk=second.pk).status == Status.SUBMITTED


def test_bad_batches_are_422(union_staff):
    assert bulk(union_staff, []).status_code == 422
    assert bulk(union_staff, list(range(1, 1002))).status_code == 422


def test_the_permission_matrix_of_bulk_approval(personas, member, courier):
    def make(p):
        return bulk(p, [complete(member, courier.worker, Status.SUBMITTED).pk])

    check_matrix(
        personas,
        make,
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 409,  # the batch is refused: the application is not theirs (not_found)
        },
    )


def reviewed(member, courier, amount="10000"):
    app = complete(member, courier.worker, Status.REVIEWED)
    Application.objects.filter(pk=app.pk).update(amount=Decimal(amount))
    return app


def override(persona, app, amount, reason="经区总工会会议研究，按实际困难调整"):
    return persona.api().post(
        f"/api/v1/care/applications/{app.pk}/amount",
        {"amount": amount, "reason": reason},
        content_type="application/json",
    )


def test_the_district_overrides_the_amount_with_a_reason_audited(
    member, courier, district_supervisor
):
    app = reviewed(member, courier)
    r = override(district_supervisor, app, "6500")
    assert r.status_code == 200, r.content
    assert r.json()["amount"] == "6500.00"
    log = AuditLog.objects.get(action="care.application.override_amount")
    assert log.detail["old"] == "10000.00" and log.detail["new"] == "6500.00"
    assert "会议研究" in log.detail["reason"]
    # Staff see the step on the timeline; the worker's timeline leaves it out.
    staff = district_supervisor.api().get(f"/api/v1/care/applications/{app.pk}").json()
    assert staff["timeline"][-1]["action"] == "override_amount"
    mine = courier.api().get(f"/api/v1/care/applications/{app.pk}").json()
    assert "override_amount" not in [e["action"] for e in mine["timeline"]]


def test_an_override_is_refused_when_wrong(member, courier, district_supervisor, street_handler):
    app = reviewed(member, courier)
    for amount, reason, status, code in [
        ("6500", " ", 422, "reason_required"),
        ("-1", "理由", 422, "invalid_amount"),
        ("10000.01", "理由", 422, "above_cap"),  # critical_illness caps at 10,000 a year
    ]:
        r = override(district_supervisor, app, amount, reason)
        assert (r.status_code, r.json()["code"]) == (status, code), (amount, r.content)
    assert override(street_handler, app, "6500").status_code == 403
    submitted = complete(member, courier.worker, Status.SUBMITTED)
    assert override(district_supervisor, submitted, "6500").status_code == 409
    assert Application.objects.get(pk=app.pk).amount == Decimal("10000")
    assert not AuditLog.objects.filter(action="care.application.override_amount").exists()


def test_the_permission_matrix_of_the_override(personas, member, courier):
    check_matrix(
        personas,
        lambda p: override(p, reviewed(member, courier), "3000"),
        {
            "courier": 401,
            "street_handler": 403,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )
