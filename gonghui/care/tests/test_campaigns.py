"""Care campaigns: one visit per person per campaign, coverage, and the stats."""

from gonghui.care.models import Distribution
from gonghui.members.testing import make_id_number


def campaign(persona, org, **change):
    body = {
        "org_id": org.pk,
        "name": "2026年冬季送温暖",
        "kind": "warmth",
        "groups": ["hardship", "outdoor"],
        "starts_on": "2026-12-01",
        "ends_on": "2027-02-28",
    }
    return persona.api().post(
        "/api/v1/care/campaigns", {**body, **change}, content_type="application/json"
    )


def visit(persona, campaign_id, org, seq, **change):
    body = {
        "org_id": org.pk,
        "name": "刘师傅",
        "id_number": make_id_number(seq),
        "group": "outdoor",
        "what": "棉服一件、慰问金",
        "amount": "500",
        "given_on": "2026-12-02",
        "place": "望京SOHO",
    }
    return persona.api().post(
        f"/api/v1/care/campaigns/{campaign_id}/distributions",
        {**body, **change},
        content_type="application/json",
    )


def test_it_counts_a_person_once_per_campaign_and_reports_coverage(
    union, district_supervisor, street_handler, outsider
):
    chaoyang = union.parent.parent
    r = campaign(district_supervisor, chaoyang)
    assert r.status_code == 201
    cid = r.json()["id"]
    assert visit(street_handler, cid, union, 41).status_code == 201
    assert visit(street_handler, cid, union, 42, group="hardship", amount="800").status_code == 201
    again = visit(district_supervisor, cid, union.parent, 41)
    assert again.status_code == 409 and again.json()["code"] == "already_counted"
    assert Distribution.objects.count() == 2
    cov = district_supervisor.api().get(f"/api/v1/care/campaigns/{cid}/coverage").json()
    assert cov["by_group"]["outdoor"] == {"visits": 1, "amount": "500.00"}
    assert cov["by_district"]["110105"]["visits"] == 2
    assert outsider.api().get(f"/api/v1/care/campaigns/{cid}/coverage").status_code == 404
    stats = district_supervisor.api().get("/api/v1/care/stats").json()
    assert stats["care_visits"] == 2
    assert outsider.api().get("/api/v1/care/stats").json()["care_visits"] == 0


def test_it_refuses_bad_visits_with_422(union, district_supervisor):
    cid = campaign(district_supervisor, union).json()["id"]
    for change, code in [
        ({"group": "model_worker"}, "invalid_group"),
        ({"amount": "-1"}, "invalid_amount"),
        ({"given_on": "2026-11-01"}, "invalid_date"),
        ({"id_number": "110105199005170000"}, "invalid_id_number"),
    ]:
        r = visit(district_supervisor, cid, union, 43, **change)
        assert r.status_code == 422 and r.json()["code"] == code, (change, r.content)
    assert not Distribution.objects.exists()
    r = campaign(district_supervisor, union, ends_on="2026-11-01")
    assert r.status_code == 422 and r.json()["code"] == "invalid_range"


def test_stats_refuse_a_reversed_range_and_an_org_outside(district_supervisor, outsider, union):
    r = district_supervisor.api().get("/api/v1/care/stats?from=2026-12-01&to=2026-01-01")
    assert r.status_code == 422
    assert outsider.api().get(f"/api/v1/care/stats?org={union.pk}").status_code == 404
