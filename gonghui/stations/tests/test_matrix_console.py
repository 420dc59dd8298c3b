"""The permission matrix of the stations console list pages: the index, a new station,
the import, the export, the annual round and the coverage page with its data."""

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


@pytest.mark.parametrize(
    "url",
    [
        "/console/stations/",
        "/console/stations/new/",
        "/console/stations/import/",
        "/console/stations/export.xlsx",
        "/console/stations/round/",
        "/console/stations/coverage/",
        "/console/stations/coverage.json",
    ],
)
def test_every_list_page(everyone, url):
    check_matrix(everyone, lambda p: p.console().get(url), EVERY_STAFF)
