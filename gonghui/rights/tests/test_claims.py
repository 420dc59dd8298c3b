"""Editing the claim items: replaced as a whole before an agreement, validated (422,
nothing stored), audited, on the timeline and in the figures; 409 once agreed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.core.models import AuditLog
from gonghui.core.testing import Persona, check_matrix
from gonghui.rights import rollups, services
from gonghui.rights.models import DailyFigures, Dispute

pytestmark = pytest.mark.django_db
NEW = {"claims": [{"kind": "wages", "amount": "6000"}, {"kind": "severance", "amount": "9000.5"}]}


def put(client: Client, url: str, data):
    return client.put(url, data, content_type="application/json")


@pytest.fixture
def new_dispute(street_handler):
    def make():
        intake = services.DisputeIntake(
            channel="written",
            applicants=[{"name": "刘强", "phone": "13600002222"}],
            employer_name="北京某快递服务有限公司",
            claims=[{"kind": "wages", "amount": "5000"}, {"kind": "overtime", "amount": "800"}],
            facts="拖欠工资。",
        )
        return services.create_dispute(intake, org=street_handler.org, actor=street_handler.user)

    return make


def _url(d: Dispute) -> str:
    return f"/api/v1/rights/disputes/{d.pk}/claims"


def test_it_replaces_the_claims_with_timeline_audit_and_figures(street_handler, new_dispute):
    d = new_dispute()
    response = put(street_handler.api(), _url(d), {**NEW, "reason": "补充经济补偿"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {(c["kind"], c["amount"]) for c in body["claims"]} == {
        ("wages", "6000.00"),
        ("severance", "9000.50"),
    }
    assert body["claimed"] == "15000.50"
    line = body["timeline"][-1]
    assert line["action"] == "claims" and "经济补偿" in line["note"] and "补充" in line["note"]
    log = AuditLog.objects.get(action="dispute.claims", object_id=str(d.pk))
    assert log.detail["before"] == {"wages": "5000.00", "overtime": "800.00"}
    assert log.detail["after"] == {"wages": "6000.00", "severance": "9000.50"}
    row = DailyFigures.objects.get(path=d.org_path, kind="dispute", status="received")
    assert row.claimed == Decimal("15000.50") and row.cases == 1
    kept = {(r.path, r.status, r.claimed) for r in DailyFigures.objects.filter(cases__gt=0)}
    rollups.rebuild()
    assert {(r.path, r.status, r.claimed) for r in DailyFigures.objects.filter(cases__gt=0)} == kept


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ([], "claims_required"),
        ([{"kind": "wages", "amount": "-5"}], None),
        ([{"kind": "wages", "amount": "abc"}], None),
        ([{"kind": "bonus", "amount": "5"}], None),
        ([{"kind": "wages", "amount": "5"}, {"kind": "wages", "amount": "6"}], None),
        ("wages", "invalid_claims"),
        (5, "invalid_claims"),
        ({"kind": "wages"}, "invalid_claims"),
    ],
)
def test_it_refuses_bad_items_with_422_and_stores_nothing(
    street_handler, new_dispute, claims, code
):
    d = new_dispute()
    response = put(street_handler.api(), _url(d), {"claims": claims})
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["detail"] and (code is None or body["code"] == code)
    d.refresh_from_db()
    assert d.claimed_total == Decimal("5800.00")
    assert sorted(d.claims.values_list("kind", flat=True)) == ["overtime", "wages"]
    assert not AuditLog.objects.filter(action="dispute.claims").exists()


def test_it_locks_the_claims_once_agreed(street_handler, new_dispute):
    d = new_dispute()
    services.act(d, "accept", actor=street_handler.user)
    put_ok = put(street_handler.api(), _url(d), NEW)
    assert put_ok.status_code == 200  # accepted: still editable
    services.act(
        d,
        "agree",
        actor=street_handler.user,
        items=[{"kind": "wages", "amount": "6000"}],
        perform_by=(timezone.localdate() + timedelta(days=5)).isoformat(),
    )
    response = put(street_handler.api(), _url(d), {"claims": [{"kind": "wages", "amount": "1"}]})
    assert response.status_code == 409 and response.json()["code"] == "claims_locked"
    assert Dispute.objects.get(pk=d.pk).claimed_total == Decimal("15000.50")


def test_it_moves_the_limitation_date_with_the_kinds(street_handler):
    d = services.create_dispute(
        services.DisputeIntake(
            channel="written",
            applicants=[{"name": "刘强", "phone": "13600002222"}],
            employer_name="某公司",
            claims=[{"kind": "wages", "amount": "5000"}],
            facts="拖欠工资。",
            known_since=timezone.localdate() - timedelta(days=30),
        ),
        org=street_handler.org,
        actor=street_handler.user,
    )
    assert d.limitation_until is None  # wages while employed: no one-year limit yet
    put(street_handler.api(), _url(d), {"claims": [{"kind": "injury", "amount": "20000"}]})
    d.refresh_from_db()
    assert d.limitation_until is not None


def test_the_claims_route_matrix(personas, new_dispute):
    everyone = {**personas, "anonymous": Persona("anonymous")}
    see = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404}
    check_matrix(
        everyone,
        lambda p: put(p.api(), _url(new_dispute()), NEW),
        {**see, "courier": 401},
    )

    def browse(p):
        return Client() if p.user is None else p.browser()

    d = new_dispute()
    page = f"/console/rights/disputes/{d.pk}/claims/"
    check_matrix(everyone, lambda p: browse(p).get(page), {**see, "anonymous": 302})
    form = {"claim_wages": "7000", "claim_overtime": "", "reason": "更正"}
    moved = {**see, "street_handler": 302, "district_supervisor": 302, "city_admin": 302}
    check_matrix(
        everyone,
        lambda p: browse(p).post(f"/console/rights/disputes/{new_dispute().pk}/claims/", form),
        {**moved, "anonymous": 302},
    )


def test_the_console_form_shows_errors_and_the_lock(street_handler, new_dispute):
    d = new_dispute()
    browser = street_handler.browser()
    page = f"/console/rights/disputes/{d.pk}/claims/"
    html = browser.get(page).content.decode()
    assert 'value="5000.00"' in html and 'name="claim_severance"' in html
    bad = browser.post(page, {"claim_wages": "-1"})
    assert bad.status_code == 422 and "claims-form" in bad.content.decode()
    assert Dispute.objects.get(pk=d.pk).claimed_total == Decimal("5800.00")
    assert "edit-claims" in browser.get(f"/console/rights/disputes/{d.pk}/").content.decode()
    services.act(d, "withdraw", actor=street_handler.user)
    assert browser.get(page).status_code == 409
    assert "edit-claims" not in browser.get(f"/console/rights/disputes/{d.pk}/").content.decode()
