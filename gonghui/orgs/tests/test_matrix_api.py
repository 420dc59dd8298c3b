"""The permission matrix of the org list API: staff see their subtree, workers nothing."""

import pytest

from gonghui.core.testing import add_dispatcher, check_matrix

pytestmark = pytest.mark.django_db


def test_the_org_list_is_scoped(personas):
    everyone = add_dispatcher(personas)
    check_matrix(
        everyone,
        lambda p: p.api().get("/api/v1/orgs", {"q": "街道"}),
        {
            "courier": 401,
            "street_handler": 200,
            "district_supervisor": 200,
            "city_admin": 200,
            "dispatcher": 200,
            "outsider": 200,
        },
    )

    def names(name):
        rows = everyone[name].api().get("/api/v1/orgs", {"q": "望京街道"}).json()["results"]
        return {row["name"] for row in rows}

    assert "望京街道总工会" in names("street_handler")
    assert "望京街道总工会" in names("city_admin")
    assert "望京街道总工会" in names("dispatcher")
    assert names("outsider") == set()
