"""Who may see and work a mediation case: the body's subtree and above; outsiders 404."""

import pytest

from gonghui.core.testing import check_matrix
from gonghui.rights import services
from gonghui.rights.tests.conftest import post

pytestmark = pytest.mark.django_db
URL = "/api/v1/rights/disputes"


@pytest.fixture
def chaoyang_case(street_handler):
    return services.create_dispute(
        services.DisputeIntake(
            channel="written",
            applicants=[{"name": "刘强", "phone": "13600002222"}],
            employer_name="北京某快递服务有限公司",
            claims=[{"kind": "wages", "amount": "5000"}],
            facts="拖欠工资。",
        ),
        org=street_handler.org,
        actor=street_handler.user,
    )


READERS = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404}


@pytest.mark.parametrize("suffix", ["", "/agreement.pdf", "/arbitration.pdf", "/payment-order.pdf"])
def test_it_hides_every_chaoyang_case_from_the_outsider(personas, chaoyang_case, suffix):
    expected = dict(READERS)
    if suffix:  # the documents are not due yet: 409 for those who may see the case
        expected = {k: (409 if v == 200 else v) for k, v in expected.items()}
    check_matrix(personas, lambda p: p.api().get(f"{URL}/{chaoyang_case.pk}{suffix}"), expected)


@pytest.mark.parametrize("action", ["accept", "refuse", "refer", "withdraw"])
def test_it_lets_only_the_body_and_above_take_a_step(personas, chaoyang_case, action):
    got = {}
    for name in ["outsider", "street_handler"]:
        got[name] = post(personas[name].api(), f"{URL}/{chaoyang_case.pk}/{action}").status_code
    assert got["outsider"] == 404
    # The handler may; a step needing details answers 422 (missing details), never 403/404.
    assert got["street_handler"] in {200, 422}


def test_it_lists_only_the_cases_in_scope(personas, chaoyang_case):
    for name, count in [("outsider", 0), ("street_handler", 1), ("city_admin", 1)]:
        body = personas[name].api().get(URL).json()
        assert body["count"] == count, name


def test_it_refuses_intake_for_a_body_outside_the_scope_and_for_a_worker(
    outsider, courier, street_handler
):
    data = {
        "channel": "written",
        "org_id": street_handler.org.pk,
        "applicants": [{"name": "刘强", "phone": "13600002222"}],
        "employer": {"name": "某公司"},
        "claims": [{"kind": "wages", "amount": "1"}],
    }
    response = post(outsider.api(), URL, data)
    assert response.status_code == 422 and response.json()["code"] == "invalid_org"
    assert post(courier.api(), URL, data).status_code == 401


def test_it_gives_the_stats_of_the_own_subtree_only(personas, chaoyang_case, street_handler):
    org = street_handler.org.pk
    check_matrix(
        personas,
        lambda p: p.api().get(f"/api/v1/rights/stats?org={org}"),
        {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
    )
