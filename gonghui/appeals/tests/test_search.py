"""The queues' search box and ``GET /api/v1/appeals?q=``: ticket number, phone, words;
always inside the searcher's scope."""

import pytest

from gonghui.appeals import services

pytestmark = pytest.mark.django_db

WAGES = "公司已经三个月没有发工资了，老板一直拖着不给。"
INJURY = "在工地受伤两周了，单位不给申请工伤认定，医药费自己垫付。"


@pytest.fixture
def two(unionised_employer):
    a, _ = services.create_appeal(
        services.Intake(text=WAGES, phone="13912345678", employer_uscc=unionised_employer.uscc)
    )
    b, _ = services.create_appeal(
        services.Intake(text=INJURY, phone="13700001111", employer_uscc=unionised_employer.uscc)
    )
    assert a.assigned_org.admin_code == b.assigned_org.admin_code == "110105026"
    return a, b


def tickets(response) -> set[str]:
    return {r["ticket_no"] for r in response.json()["results"]}


def test_it_finds_by_ticket_phone_and_words_in_the_api(street_handler, two):
    a, b = two
    api = street_handler.api()
    assert tickets(api.get("/api/v1/appeals", {"q": a.ticket_no})) == {a.ticket_no}
    assert tickets(api.get("/api/v1/appeals", {"q": "13700001111"})) == {b.ticket_no}
    # Full-width digits from a Chinese keyboard are the same phone.
    assert tickets(api.get("/api/v1/appeals", {"q": "１３７００００１１１１"})) == {b.ticket_no}
    assert tickets(api.get("/api/v1/appeals", {"q": "工伤"})) == {b.ticket_no}
    assert tickets(api.get("/api/v1/appeals", {"q": "工资 老板"})) == {a.ticket_no}
    assert tickets(api.get("/api/v1/appeals", {"q": "工资 工伤"})) == set()
    assert api.get("/api/v1/appeals", {"q": ""}).json()["count"] >= 2


def test_it_never_searches_outside_the_scope(outsider, two):
    a, _b = two
    body = outsider.api().get("/api/v1/appeals", {"q": a.ticket_no}).json()
    assert body["count"] == 0 and body["results"] == []


def test_it_refuses_an_overlong_search_with_422(street_handler):
    response = street_handler.api().get("/api/v1/appeals", {"q": "词" * 101})
    assert response.status_code == 422
    assert "code" in response.json()


def test_it_searches_the_queue_page(street_handler, two):
    a, b = two
    client = street_handler.browser()
    page = client.get("/console/appeals/", {"tab": "mine", "q": "工伤"}).content.decode()
    assert b.ticket_no in page and a.ticket_no not in page
    assert 'value="工伤"' in page
    empty = client.get("/console/appeals/", {"tab": "mine", "q": "没有这种词"}).content.decode()
    assert "没有与搜索相符的工单。" in empty
