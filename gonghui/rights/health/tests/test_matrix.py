"""The permission matrix of every health-check route (API and console): the street of
the enterprise and the unions above it may, the 海淀 outsider gets 404, a worker's token
401; verification is the district's (the street handler gets 403)."""

import itertools

import pytest

from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.health import services
from gonghui.rights.health.tests.conftest import all_pass
from gonghui.rights.tests.conftest import WANGJING, post

pytestmark = pytest.mark.django_db
URL = "/api/v1/rights/health-checks"
PAGES = "/console/rights/health-checks"
SEE = {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404}
API_SEE = {**SEE, "courier": 401}
_numbers = itertools.count(1)


def new_enterprise() -> Enterprise:
    n = next(_numbers)
    return Enterprise.objects.create(
        name=f"北京矩阵测试{n}有限公司",
        uscc=f"91110105MA0M{n:06d}",
        street=Org.objects.get(admin_code=WANGJING),
    )


def at_status(street_handler, tree, status: str):
    hc = services.create(new_enterprise(), actor=street_handler.user)
    if status == "self_assessment":
        return hc
    services.save_answers(
        hc, all_pass(tree, **{"union.founded.funds": "fail"}), actor=street_handler.user
    )
    services.act(hc, "submit", actor=street_handler.user)
    if status == "submitted":
        return hc
    return services.act(hc, "review", actor=street_handler.user)


def test_it_serves_the_tree_to_staff_only(personas):
    check_matrix(
        personas,
        lambda p: p.api().get("/api/v1/rights/checklists/current"),
        {**API_SEE, "outsider": 200},
    )


def test_it_lets_the_street_and_above_start_a_check(personas):
    check_matrix(
        personas,
        lambda p: post(p.api(), URL, {"enterprise_id": new_enterprise().pk}),
        {
            "street_handler": 201,
            "district_supervisor": 201,
            "city_admin": 201,
            "outsider": 422,
            "courier": 401,
        },
    )


def test_it_lists_only_the_checks_in_scope(personas, street_handler, tree):
    at_status(street_handler, tree, "self_assessment")
    check_matrix(personas, lambda p: p.api().get(URL), {**API_SEE, "outsider": 200})
    assert personas["outsider"].api().get(URL).json()["count"] == 0
    assert personas["district_supervisor"].api().get(URL).json()["count"] == 1


def test_it_gives_coverage_of_the_own_subtree_only(personas):
    chaoyang = Org.objects.get(admin_code="110105").pk
    check_matrix(
        personas,
        lambda p: p.api().get(f"{URL}/coverage?org={chaoyang}"),
        {**API_SEE, "street_handler": 404},
    )


@pytest.mark.parametrize("suffix", ["", "/report.pdf"])
def test_it_shows_a_check_and_its_report_to_those_who_see_it(
    personas, street_handler, tree, suffix
):
    hc = at_status(street_handler, tree, "reviewed")
    check_matrix(personas, lambda p: p.api().get(f"{URL}/{hc.pk}{suffix}"), API_SEE)


def test_it_takes_answers_from_the_street_and_above(personas, street_handler, tree):
    hc = at_status(street_handler, tree, "self_assessment")
    body = {"answers": [{"check_id": "contract.written.signed", "result": "pass"}]}
    check_matrix(personas, lambda p: post(p.api(), f"{URL}/{hc.pk}/answers", body), API_SEE)


@pytest.mark.parametrize(
    "action,status,expected",
    [
        ("submit", "self_assessment", {"street_handler": 200}),
        ("return", "submitted", {"street_handler": 200}),
        ("review", "submitted", {"street_handler": 200}),
        ("verify", "reviewed", {"street_handler": 403, "district_supervisor": 200}),
    ],
)
def test_it_lets_only_the_right_union_take_a_step(
    personas, street_handler, tree, action, status, expected
):
    hc = at_status(street_handler, tree, status)
    if status == "self_assessment":
        services.save_answers(hc, all_pass(tree), actor=street_handler.user)
    check_matrix(
        personas,
        lambda p: post(p.api(), f"{URL}/{hc.pk}/{action}", {"note": "材料不全"}),
        {"outsider": 404, "courier": 401, **expected},
    )


def test_it_takes_follow_ups_from_the_street_and_above(personas, street_handler, tree):
    hc = services.act(
        at_status(street_handler, tree, "reviewed"),
        "verify",
        actor=personas["district_supervisor"].user,
    )
    finding = hc.findings.get()
    check_matrix(
        personas,
        lambda p: post(
            p.api(), f"{URL}/{hc.pk}/findings/{finding.pk}/follow-ups", {"note": "回访"}
        ),
        {"outsider": 404, "courier": 401, "street_handler": 201, "city_admin": 201},
    )


STAFF = ["street_handler", "district_supervisor", "city_admin", "outsider"]


def test_it_guards_every_console_page(personas, street_handler, tree):
    hc = at_status(street_handler, tree, "reviewed")
    hc = services.act(hc, "verify", actor=personas["district_supervisor"].user)
    finding = hc.findings.get()
    fresh = at_status(street_handler, tree, "self_assessment")
    chaoyang = Org.objects.get(admin_code="110105").pk

    def get(path):
        return lambda p: p.browser().get(path)

    check_matrix(personas, get(f"{PAGES}/"), {**SEE, "outsider": 200})
    check_matrix(personas, get(f"{PAGES}/coverage/?org={chaoyang}"), {**SEE, "street_handler": 404})
    check_matrix(personas, get(f"{PAGES}/{hc.pk}/"), SEE)
    check_matrix(personas, get(f"{PAGES}/{hc.pk}/report.pdf"), SEE)
    check_matrix(
        personas,
        lambda p: p.browser().post(
            f"{PAGES}/{fresh.pk}/answers/", {"result_contract.written.signed": "pass"}
        ),
        {"outsider": 404, "street_handler": 302, "city_admin": 302},
    )
    check_matrix(
        personas,
        lambda p: p.browser().post(
            f"{PAGES}/{hc.pk}/findings/{finding.pk}/follow-up/", {"note": "回访"}
        ),
        {"outsider": 404, "street_handler": 302},
    )
    services.save_answers(fresh, all_pass(tree), actor=street_handler.user)
    check_matrix(
        personas,
        lambda p: p.browser().post(f"{PAGES}/{fresh.pk}/step/submit/"),
        {"outsider": 404, "street_handler": 302},
    )
