"""The permission matrix of every care route: the courier (a worker), the street handler
(望京, above the applicant's union), the district supervisor (朝阳), the city admin and
the outsider (中关村, 海淀) who must get 404 for everything of 朝阳's.

Each write is made on a fresh record per persona, so one persona's step does not change
what the next one meets."""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.test import Client

from gonghui.care import services
from gonghui.care.choices import Status
from gonghui.care.models import (
    Application,
    Campaign,
    Claim,
    Distribution,
    Document,
    HardshipFile,
    PaymentJob,
)
from gonghui.care.tests.conftest import complete, draft, enrol, make_member, png
from gonghui.core.testing import check_matrix
from gonghui.members.testing import make_id_number

STAFF_OK = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200}
SEQ = count(300)


def api(persona) -> Client:
    """The persona's bearer client (a worker's token for the courier)."""
    return persona.api()


def browser(persona) -> Client:
    """A console session; the courier has no staff account, so an anonymous client."""
    return Client() if persona.worker is not None else persona.browser()


@pytest.fixture
def campaign(union, district_supervisor):
    return services.create_campaign(
        district_supervisor.user,
        union.parent.parent,
        name="冬季送温暖",
        kind="warmth",
        groups=["outdoor"],
        starts_on=date(2026, 12, 1),
        ends_on=date(2027, 2, 28),
    )


def file_body(union) -> dict:
    return {
        "org_id": union.pk,
        "category": "near_dibao",
        "people": [{"name": "赵大勇", "id_number": make_id_number(next(SEQ)), "income": 900}],
    }


def test_listing_applications(personas, member, courier):
    complete(member, courier.worker)
    check_matrix(
        personas,
        lambda p: api(p).get("/api/v1/care/applications"),
        {"courier": 200, **STAFF_OK, "outsider": 200},
    )
    assert len(api(personas["street_handler"]).get("/api/v1/care/applications").json()) == 1
    assert api(personas["outsider"]).get("/api/v1/care/applications").json() == []


def test_opening_an_application(personas, member):
    def make(p):
        return api(p).post(
            "/api/v1/care/applications",
            {
                "programme": "critical_illness",
                "applicant": {"name": member.name, "id_number": member.id_number},
                "facts": {"employed": False, "hospitalised": False},
            },
            content_type="application/json",
        )

    check_matrix(
        personas,
        make,
        {"courier": 201, "street_handler": 201, "district_supervisor": 201, "city_admin": 201}
        | {"outsider": 404},
    )
    assert Application.objects.count() == 4


def test_uploading_a_paper(personas, member, courier):
    def make(p):
        app = draft(member, courier.worker)
        return api(p).post(
            f"/api/v1/care/applications/{app.pk}/documents", {"material": "id_card", "file": png()}
        )

    check_matrix(personas, make, {"courier": 200, **STAFF_OK, "outsider": 404})
    assert Document.objects.count() == 4


def test_submitting(personas, member, courier):
    def make(p):
        app = complete(member, courier.worker)
        return api(p).post(f"/api/v1/care/applications/{app.pk}/submit")

    check_matrix(personas, make, {"courier": 200, **STAFF_OK, "outsider": 404})
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 4


@pytest.mark.parametrize("action", ["approve", "return", "reject"])
def test_deciding_at_the_grassroots_stage(personas, member, courier, action):
    body = {"items": ["diagnosis"], "note": "看不清", "reason": "不符合条件"}

    def make(p):
        app = complete(member, courier.worker, Status.SUBMITTED)
        return api(p).post(
            f"/api/v1/care/applications/{app.pk}/{action}", body, content_type="application/json"
        )

    check_matrix(personas, make, {"courier": 401, **STAFF_OK, "outsider": 404})
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 2  # courier, outsider


def test_deciding_at_the_district_stage_needs_the_district(personas, member, courier):
    def make(p):
        app = complete(member, courier.worker, Status.DISTRICT_REVIEW)
        return api(p).post(f"/api/v1/care/applications/{app.pk}/approve")

    check_matrix(
        personas,
        make,
        {
            "courier": 401,
            "street_handler": 403,
            "district_supervisor": 200,
            "city_admin": 200,
            "outsider": 404,
        },
    )


def test_starting_a_publicity(personas, member, courier):
    def make(p):
        app = complete(member, courier.worker, Status.REVIEWED)
        return api(p).post(
            "/api/v1/care/publicity",
            {"application_ids": [app.pk], "starts_on": services.today().isoformat()},
            content_type="application/json",
        )

    check_matrix(
        personas,
        make,
        {
            "courier": 401,
            "street_handler": 403,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )


def test_stats(personas, union):
    check_matrix(
        personas,
        lambda p: api(p).get(f"/api/v1/care/stats?org={union.pk}"),
        {"courier": 401, **STAFF_OK, "outsider": 404},
    )


def test_hardship_files(personas, union, district_supervisor):
    check_matrix(
        personas,
        lambda p: api(p).post(
            "/api/v1/care/hardship-files", file_body(union), content_type="application/json"
        ),
        {
            "courier": 401,
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )
    assert HardshipFile.objects.count() == 3
    f = HardshipFile.objects.first()
    check_matrix(
        personas,
        lambda p: api(p).get(f"/api/v1/care/hardship-files/{f.pk}"),
        {"courier": 401, **STAFF_OK, "outsider": 404},
    )

    def close(p):
        body = file_body(union)
        fresh = district_supervisor.api().post(
            "/api/v1/care/hardship-files", body, content_type="application/json"
        )
        return api(p).post(
            f"/api/v1/care/hardship-files/{fresh.json()['id']}/close",
            {"reason": "已就业"},
            content_type="application/json",
        )

    check_matrix(personas, close, {"courier": 401, **STAFF_OK, "outsider": 404})
    assert HardshipFile.objects.filter(status="closed").count() == 3


def test_mutual_aid_claims_and_payment_jobs(personas, union, street_handler):
    member = make_member(union, 51)
    enrol(member, 2026)

    def make_claim(p):
        bill = {
            "number": f"M-{next(SEQ)}",
            "hospital": "朝阳医院",
            "date": "2026-11-03",
            "amount": "1500",
        }
        return api(p).post(
            "/api/v1/care/mutual-aid/claims",
            {"member_id": member.pk, "bills": [bill]},
            content_type="application/json",
        )

    check_matrix(
        personas,
        make_claim,
        {
            "courier": 401,
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )

    def approve(p):
        claim = Claim.objects.create(
            member=member, org=union, claimed=Decimal("900"), payout=Decimal("200")
        )
        return api(p).post(f"/api/v1/care/mutual-aid/claims/{claim.pk}/approve")

    check_matrix(personas, approve, {"courier": 401, **STAFF_OK, "outsider": 404})
    assert Claim.objects.filter(status="approved").count() == 3

    check_matrix(
        personas,
        lambda p: api(p).post(
            "/api/v1/care/mutual-aid/payment-jobs",
            {"org_id": union.pk},
            content_type="application/json",
        ),
        {
            "courier": 401,
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )
    job = PaymentJob.objects.first()
    check_matrix(
        personas,
        lambda p: api(p).get(f"/api/v1/care/mutual-aid/payment-jobs/{job.pk}"),
        {"courier": 401, **STAFF_OK, "outsider": 404},
    )


def test_campaigns(personas, union, campaign):
    check_matrix(
        personas,
        lambda p: api(p).post(
            "/api/v1/care/campaigns",
            {
                "org_id": union.pk,
                "name": "送清凉",
                "kind": "cool",
                "groups": ["outdoor"],
                "starts_on": "2027-07-01",
                "ends_on": "2027-08-31",
            },
            content_type="application/json",
        ),
        {
            "courier": 401,
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )
    assert Campaign.objects.count() == 4

    def visit(p):
        return api(p).post(
            f"/api/v1/care/campaigns/{campaign.pk}/distributions",
            {
                "org_id": union.pk,
                "name": "刘师傅",
                "id_number": make_id_number(next(SEQ)),
                "group": "outdoor",
                "what": "棉服",
                "amount": "300",
                "given_on": "2026-12-02",
            },
            content_type="application/json",
        )

    check_matrix(
        personas,
        visit,
        {
            "courier": 401,
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 404,
        },
    )
    assert Distribution.objects.count() == 3
    check_matrix(
        personas,
        lambda p: api(p).get(f"/api/v1/care/campaigns/{campaign.pk}/coverage"),
        {"courier": 401, **STAFF_OK, "outsider": 404},
    )


def test_console_pages(personas, member, courier):
    app = complete(member, courier.worker, Status.SUBMITTED)
    check_matrix(
        personas,
        lambda p: browser(p).get("/console/care/"),
        {"courier": 302, **STAFF_OK, "outsider": 200},
    )
    check_matrix(
        personas,
        lambda p: browser(p).get(f"/console/care/{app.pk}/"),
        {"courier": 302, **STAFF_OK, "outsider": 404},
    )

    def act(p):
        fresh = complete(member, courier.worker, Status.SUBMITTED)
        return browser(p).post(f"/console/care/{fresh.pk}/approve/")

    check_matrix(personas, act, {"courier": 302, **{k: 302 for k in STAFF_OK}, "outsider": 404})
    assert Application.objects.filter(status=Status.STREET_REVIEW).count() == 3


def test_a_hotline_operator_who_sees_the_org_may_not_write_there(union, member, campaign):
    from django.contrib.auth import get_user_model

    from gonghui.accounts.services import issue_staff_token
    from gonghui.orgs.choices import Role
    from gonghui.orgs.models import StaffRole

    user = get_user_model().objects.create_user("care-operator", password="x-pass-5521")
    StaffRole.objects.create(user=user, org=union.parent.parent, role=Role.OPERATOR)
    client = Client(headers={"Authorization": f"Bearer {issue_staff_token(user)[0]}"})
    f = HardshipFile.objects.create(
        org=union, category="dibao", monthly_income=0, review_on=date(2027, 1, 1)
    )
    bill = {"number": "OP-1", "hospital": "朝阳医院", "date": "2026-11-03", "amount": "900"}
    visit = {
        "org_id": union.pk,
        "name": "刘师傅",
        "id_number": make_id_number(499),
        "group": "outdoor",
        "what": "棉服",
        "amount": "300",
        "given_on": "2026-12-02",
    }
    for url, body in [
        ("/api/v1/care/hardship-files", file_body(union)),
        (f"/api/v1/care/hardship-files/{f.pk}/close", {"reason": "已就业"}),
        ("/api/v1/care/mutual-aid/claims", {"member_id": member.pk, "bills": [bill]}),
        ("/api/v1/care/mutual-aid/payment-jobs", {"org_id": union.pk}),
        (f"/api/v1/care/campaigns/{campaign.pk}/distributions", visit),
    ]:
        r = client.post(url, body, content_type="application/json")
        assert r.status_code == 403 and r.json()["code"] == "forbidden_role", (url, r.content)
    assert HardshipFile.objects.get(pk=f.pk).status == "active"
    assert not Claim.objects.exists() and not PaymentJob.objects.exists()
    assert not Distribution.objects.exists()
