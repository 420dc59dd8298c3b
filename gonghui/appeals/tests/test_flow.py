import json
from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.appeals.models import Appeal
from gonghui.core.models import OutboxMessage


def act(persona, appeal_id, action, **body):
    return persona.api().post(
        f"/api/v1/appeals/{appeal_id}/{action}", json.dumps(body), content_type="application/json"
    )


@pytest.mark.django_db
def test_it_runs_the_whole_life_of_an_appeal(file_appeal, personas, client):
    handler, supervisor = personas["street_handler"], personas["district_supervisor"]
    created = file_appeal(lat=39.9965, lng=116.4700, address="望京街道某小区")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["ticket_no"].startswith("12351-")
    assert body["category"] == "wages"
    # 望京 has no street polygon: routing falls to the district's dispatcher queue.
    assert body["status"] == "received"
    appeal = Appeal.objects.get(pk=body["id"])
    assert appeal.dispatcher_org.name == "朝阳区总工会"

    assert act(handler, appeal.pk, "dispatch", org_id=handler.org.pk).status_code == 404
    dispatched = act(supervisor, appeal.pk, "dispatch", org_id=handler.org.pk)
    assert dispatched.status_code == 403  # a supervisor does not dispatch
    from gonghui.orgs.services import grant_role

    grant_role(user=supervisor.user, org=supervisor.org, role="dispatcher")
    dispatched = act(supervisor, appeal.pk, "dispatch", org_id=handler.org.pk)
    assert dispatched.status_code == 200, dispatched.content
    assert dispatched.json()["status"] == "dispatched"

    assert act(handler, appeal.pk, "resolve", reply="x").status_code == 409
    assert act(handler, appeal.pk, "accept").json()["status"] == "accepted"
    assert (
        act(handler, appeal.pk, "contact", note="已电话联系职工").json()["status"] == "in_progress"
    )
    resolved = act(handler, appeal.pk, "resolve", reply="已协调企业补发工资。")
    assert resolved.json()["status"] == "resolved"

    track = client.get(
        "/api/v1/appeals/track", {"ticket_no": body["ticket_no"], "phone_last4": "5678"}
    )
    assert track.status_code == 200
    assert track.json()["can_evaluate"] is True
    labels = [t["event"] for t in track.json()["timeline"]]
    assert labels == ["receive", "dispatch", "accept", "contact", "resolve"]
    wrong = client.get(
        "/api/v1/appeals/track", {"ticket_no": body["ticket_no"], "phone_last4": "0000"}
    )
    missing = client.get(
        "/api/v1/appeals/track", {"ticket_no": "12351-20260101-000001", "phone_last4": "5678"}
    )
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()

    rated = client.post(
        "/api/v1/appeals/track/evaluate",
        {
            "ticket_no": body["ticket_no"],
            "phone_last4": "5678",
            "resolved": True,
            "satisfaction": "satisfied",
        },
        content_type="application/json",
    )
    assert rated.status_code == 200
    assert rated.json()["status"] == "closed"
    again = client.post(
        "/api/v1/appeals/track/evaluate",
        {
            "ticket_no": body["ticket_no"],
            "phone_last4": "5678",
            "resolved": True,
            "satisfaction": "satisfied",
        },
        content_type="application/json",
    )
    assert again.status_code == 409
    texts = list(OutboxMessage.objects.values_list("text", flat=True))
    assert any("已受理" in t for t in texts) and any("已办结" in t for t in texts)

    # The contact deadline (24 h after dispatch) falls tomorrow: include it in the period.
    today = timezone.localdate()
    period = {"org": supervisor.org.pk, "from": today, "to": today + timedelta(days=1)}
    m = supervisor.api().get("/api/v1/appeals/metrics", period).json()
    assert m["counts"]["evaluations"] == 1
    assert m["resolution_rate"] == 1.0
    assert m["response_rate"] == 1.0
    assert m["satisfaction_rate"] == 1.0
    assert m["score"] == 1.0


@pytest.mark.django_db
def test_it_dispatches_straight_to_the_employers_street(file_appeal, unionised_employer):
    body = file_appeal(employer_uscc=unionised_employer.uscc).json()
    assert body["status"] == "dispatched"
    assert body["assigned_org"]["name"] == "望京街道总工会"
    appeal = Appeal.objects.get(pk=body["id"])
    assert appeal.grassroots_union == unionised_employer.union
    assert body["deadlines"]["resolve_by"] is not None


@pytest.mark.django_db
def test_it_returns_the_same_appeal_for_the_same_idempotency_key(file_appeal):
    first = file_appeal(idempotency_key="call-42")
    second = file_appeal(idempotency_key="call-42")
    assert first.status_code == second.status_code == 201
    assert first.json()["ticket_no"] == second.json()["ticket_no"]
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields,code",
    [
        ({"text": "太短了"}, "invalid_text"),
        ({"phone": "12345"}, "invalid_phone"),
        ({"category": "nonsense"}, "invalid_category"),
        ({"employer_uscc": "91110000600037341X"}, "invalid_uscc"),
        ({"lat": 31.23, "lng": 121.47}, "outside_beijing"),
        ({"lat": 39.9}, "invalid_coordinates"),
    ],
)
def test_it_refuses_bad_intake_and_stores_nothing(file_appeal, fields, code):
    response = file_appeal(**fields)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert Appeal.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_it_lets_the_worker_of_a_merged_appeal_track_the_main_one(file_appeal, city_admin, client):
    from gonghui.appeals.services import act as do

    main = Appeal.objects.get(pk=file_appeal(phone="13912341111").json()["id"])
    dup = Appeal.objects.get(pk=file_appeal(phone="13912342222").json()["id"])
    from gonghui.orgs.services import grant_role

    grant_role(user=city_admin.user, org=city_admin.org, role="dispatcher")
    do(dup, "merge", actor=city_admin.user, into_id=main.pk)
    for last4, status in [("1111", 200), ("2222", 200), ("3333", 404)]:
        r = client.get("/api/v1/appeals/track", {"ticket_no": main.ticket_no, "phone_last4": last4})
        assert r.status_code == status
