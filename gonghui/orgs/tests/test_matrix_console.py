"""The permission matrix of the org tree's list pages: the browser, the coverage page and
the district map data, each scoped to the viewer's subtree."""

import pytest

from gonghui.core.testing import add_dispatcher, check_matrix

pytestmark = pytest.mark.django_db

EVERY_STAFF = {
    "courier": 302,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "dispatcher": 200,
    "outsider": 200,
}


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


def test_the_browser(everyone):
    check_matrix(everyone, lambda p: p.console().get("/console/orgs/"), EVERY_STAFF)
    roots = everyone["outsider"].console().get("/console/orgs/").context["roots"]
    assert [o.name for o in roots] == ["中关村街道总工会"]


def test_the_coverage_page_and_map(everyone):
    check_matrix(everyone, lambda p: p.console().get("/console/orgs/coverage/"), EVERY_STAFF)
    check_matrix(everyone, lambda p: p.console().get("/console/orgs/map.json"), EVERY_STAFF)
    outsider_map = everyone["outsider"].console().get("/console/orgs/map.json").content.decode()
    assert "朝阳" not in outsider_map
