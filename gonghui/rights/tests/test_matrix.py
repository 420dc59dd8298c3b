"""The permission matrix of every rights route (API and console): who gets what.

Mediation and legal-aid cases live at 望京街道 (朝阳区): its handler, the 朝阳 supervisor
and the city admin may see and work them, the 海淀 outsider gets 404 (or 422 when naming
望京 as the body), the courier's worker token 401, an anonymous browser the login page.
Each persona gets a fresh case where a step changes its status.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.core.testing import Persona, check_matrix
from gonghui.rights import legal_aid, services
from gonghui.rights.tests.conftest import post

pytestmark = pytest.mark.django_db
API = "/api/v1/rights"
CONSOLE = "/console/rights"

STAFF = ("street_handler", "district_supervisor", "city_admin", "outsider")
SEE = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404}
ALL_200 = {name: 200 for name in STAFF}


def api_expect(staff: dict) -> dict:
    return {**staff, "courier": 401}


def console_expect(staff: dict) -> dict:
    return {**staff, "anonymous": 302}


@pytest.fixture
def everyone(personas):
    return {**personas, "anonymous": Persona("anonymous")}


def browse(p: Persona) -> Client:
    return Client() if p.user is None else p.browser()


def api(p: Persona) -> Client:
    return p.api()


@pytest.fixture
def new_dispute(street_handler):
    def make(**over):
        intake = services.DisputeIntake(
            channel="written",
            applicants=[{"name": "刘强", "phone": "13600002222"}],
            employer_name="北京某快递服务有限公司",
            claims=[{"kind": "wages", "amount": "5000"}],
            facts="拖欠工资。",
        )
        return services.create_dispute(intake, org=street_handler.org, actor=street_handler.user)

    return make


@pytest.fixture
def agreed_dispute(new_dispute, street_handler):
    d = new_dispute()
    services.act(d, "accept", actor=street_handler.user)
    perform_by = (timezone.localdate() + timedelta(days=10)).isoformat()
    services.act(
        d,
        "agree",
        actor=street_handler.user,
        items=[{"kind": "wages", "amount": "4000"}],
        perform_by=perform_by,
    )
    return d


@pytest.fixture
def lawyer(district_supervisor):
    return legal_aid.create_lawyer(
        owner=district_supervisor.org,
        name="陈律师",
        firm="北京市某某律师事务所",
        phone="13511112222",
        positions=[],
        orgs=[],
        engagements=[{"party_name": "北京京东世纪贸易有限公司"}],
        actor=district_supervisor.user,
    )


@pytest.fixture
def new_aid(street_handler):
    def make(income: str = "3200"):
        return legal_aid.create_aid_case(
            org=street_handler.org,
            applicant={"name": "赵敏", "phone": "13822223333"},
            employer={"name": "北京某保洁服务有限公司"},
            matter="公司拖欠两个月工资，解除劳动合同不给经济补偿。",
            monthly_income=income,
            actor=street_handler.user,
        )

    return make


def dispute_body(org_id: int) -> dict:
    return {
        "channel": "written",
        "org_id": org_id,
        "applicants": [{"name": "刘强", "phone": "13600002222"}],
        "employer": {"name": "北京某快递服务有限公司"},
        "claims": [{"kind": "wages", "amount": "1000"}],
        "facts": "拖欠工资。",
    }


# --- API: mediation ---------------------------------------------------------------------


def test_it_lists_disputes_for_staff_only_and_only_in_scope(everyone, new_dispute):
    new_dispute()
    check_matrix(everyone, lambda p: api(p).get(f"{API}/disputes"), api_expect(ALL_200))
    assert everyone["outsider"].api().get(f"{API}/disputes").json()["count"] == 0
    assert everyone["district_supervisor"].api().get(f"{API}/disputes").json()["count"] == 1


def test_it_takes_intake_for_the_body_only_from_its_subtree_or_above(everyone, wangjing):
    expected = {"street_handler": 201, "district_supervisor": 201, "city_admin": 201}
    check_matrix(
        everyone,
        lambda p: post(api(p), f"{API}/disputes", dispute_body(wangjing.pk)),
        api_expect({**expected, "outsider": 422}),
    )


@pytest.mark.parametrize(
    ("action", "data"),
    [("accept", {}), ("refuse", {"reason": "不属于劳动争议"}), ("withdraw", {})],
)
def test_it_lets_the_body_and_above_take_a_step(everyone, new_dispute, action, data):
    check_matrix(
        everyone,
        lambda p: post(api(p), f"{API}/disputes/{new_dispute().pk}/{action}", data),
        api_expect(SEE),
    )


# --- API: lawyers and legal aid ---------------------------------------------------------


def test_it_shows_the_roster_to_staff(everyone, lawyer):
    check_matrix(everyone, lambda p: api(p).get(f"{API}/lawyers"), api_expect(ALL_200))
    # The 朝阳 roster is not the 海淀 outsider's.
    assert everyone["outsider"].api().get(f"{API}/lawyers").json() == []


def test_it_enters_lawyers_only_for_orgs_in_scope(everyone, wangjing):
    def make(p):
        data = {"name": "王律师", "firm": "某所", "phone": "13511113333", "org_ids": [wangjing.pk]}
        return post(api(p), f"{API}/lawyers", data)

    expected = {"street_handler": 201, "district_supervisor": 201, "city_admin": 201}
    check_matrix(everyone, make, api_expect({**expected, "outsider": 422}))


def test_it_takes_legal_aid_applications_for_the_org_in_scope(everyone, wangjing):
    def make(p):
        data = {
            "org_id": wangjing.pk,
            "applicant": {"name": "赵敏", "phone": "13822223333"},
            "employer": {"name": "北京某保洁服务有限公司"},
            "matter": "拖欠工资。",
        }
        return post(api(p), f"{API}/legal-aid", data)

    expected = {"street_handler": 201, "district_supervisor": 201, "city_admin": 201}
    check_matrix(everyone, make, api_expect({**expected, "outsider": 422}))


def test_it_lists_and_shows_legal_aid_in_scope(everyone, new_aid, lawyer):
    case = new_aid()
    check_matrix(everyone, lambda p: api(p).get(f"{API}/legal-aid"), api_expect(ALL_200))
    assert everyone["outsider"].api().get(f"{API}/legal-aid").json() == []
    check_matrix(everyone, lambda p: api(p).get(f"{API}/legal-aid/{case.pk}"), api_expect(SEE))
    check_matrix(
        everyone,
        lambda p: api(p).get(f"{API}/legal-aid/{case.pk}/conflicts?lawyer_id={lawyer.pk}"),
        api_expect(SEE),
    )


def test_it_runs_the_conflict_check_only_for_a_lawyer_serving_the_case(
    street_handler, outsider, new_aid
):
    """A lawyer of another district cannot be probed through a 朝阳 case (their declared
    engagements are not the case's business): 422, as at assignment."""
    haidian_lawyer = legal_aid.create_lawyer(
        owner=outsider.org,
        name="海淀律师",
        firm="某所",
        phone="13511114444",
        positions=[],
        orgs=[],
        engagements=[{"party_name": "北京某保洁服务有限公司"}],
        actor=outsider.user,
    )
    case = new_aid()
    url = f"{API}/legal-aid/{case.pk}/conflicts?lawyer_id={haidian_lawyer.pk}"
    response = street_handler.api().get(url)
    assert response.status_code == 422 and response.json()["code"] == "invalid_lawyer"


def test_it_lets_the_org_and_above_assign_a_lawyer(everyone, new_aid, lawyer):
    check_matrix(
        everyone,
        lambda p: post(api(p), f"{API}/legal-aid/{new_aid().pk}/assign", {"lawyer_id": lawyer.pk}),
        api_expect(SEE),
    )


def test_it_lets_only_supervisors_and_admins_override_a_criterion(everyone, new_aid):
    data = {"criterion": "income", "reason": "家有重病人"}
    check_matrix(
        everyone,
        lambda p: post(api(p), f"{API}/legal-aid/{new_aid('20000').pk}/override", data),
        api_expect({**SEE, "street_handler": 403}),
    )


def test_it_lets_the_org_and_above_reject(everyone, new_aid):
    data = {"reason": "不属于劳动争议", "referral": "区法律援助中心"}
    check_matrix(
        everyone,
        lambda p: post(api(p), f"{API}/legal-aid/{new_aid().pk}/reject", data),
        api_expect(SEE),
    )


# --- console ------------------------------------------------------------------------------


def test_it_shows_the_console_lists_to_staff_in_scope(everyone, new_dispute, new_aid):
    dispute, case = new_dispute(), new_aid()
    for url in [f"{CONSOLE}/", f"{CONSOLE}/legal-aid/", f"{CONSOLE}/stats/"]:
        check_matrix(everyone, lambda p, url=url: browse(p).get(url), console_expect(ALL_200))
    outsider = everyone["outsider"].browser()
    assert dispute.case_no not in outsider.get(f"{CONSOLE}/").content.decode()
    assert case.case_no not in outsider.get(f"{CONSOLE}/legal-aid/").content.decode()
    handler = everyone["street_handler"].browser()
    assert dispute.case_no in handler.get(f"{CONSOLE}/").content.decode()


def test_it_gives_the_stats_page_of_an_org_in_scope_only(everyone, wangjing):
    check_matrix(
        everyone,
        lambda p: browse(p).get(f"{CONSOLE}/stats/?org={wangjing.pk}"),
        console_expect(SEE),
    )


def test_it_takes_console_intake_for_the_body_in_scope(everyone, wangjing):
    check_matrix(
        everyone, lambda p: browse(p).get(f"{CONSOLE}/disputes/new/"), console_expect(ALL_200)
    )
    data = {
        "channel": "written",
        "org_id": wangjing.pk,
        "name": "刘强",
        "phone": "13600002222",
        "employer_name": "北京某快递服务有限公司",
        "claim_wages": "1000",
        "facts": "拖欠工资。",
    }
    expected = {"street_handler": 302, "district_supervisor": 302, "city_admin": 302}
    check_matrix(
        everyone,
        lambda p: browse(p).post(f"{CONSOLE}/disputes/new/", data),
        console_expect({**expected, "outsider": 422}),
    )


def test_it_shows_a_case_page_and_takes_steps_in_scope(everyone, new_dispute):
    d = new_dispute()
    check_matrix(
        everyone, lambda p: browse(p).get(f"{CONSOLE}/disputes/{d.pk}/"), console_expect(SEE)
    )
    moved = {**SEE, "street_handler": 302, "district_supervisor": 302, "city_admin": 302}
    check_matrix(
        everyone,
        lambda p: browse(p).post(f"{CONSOLE}/disputes/{new_dispute().pk}/accept/"),
        console_expect(moved),
    )


def test_it_gives_the_agreement_pdf_in_scope(everyone, agreed_dispute):
    url = f"{CONSOLE}/disputes/{agreed_dispute.pk}/agreement.pdf"
    check_matrix(everyone, lambda p: browse(p).get(url), console_expect(SEE))


def test_it_shows_a_legal_aid_case_and_takes_steps_in_scope(everyone, new_aid):
    case = new_aid()
    check_matrix(
        everyone, lambda p: browse(p).get(f"{CONSOLE}/legal-aid/{case.pk}/"), console_expect(SEE)
    )
    moved = {**SEE, "street_handler": 302, "district_supervisor": 302, "city_admin": 302}
    data = {"reason": "不属于劳动争议", "referral": "区法律援助中心"}
    check_matrix(
        everyone,
        lambda p: browse(p).post(f"{CONSOLE}/legal-aid/{new_aid().pk}/reject/", data),
        console_expect(moved),
    )
