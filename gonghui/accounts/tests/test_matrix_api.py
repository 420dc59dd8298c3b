"""The permission matrix of the worker's ``/auth/me``: a worker token only."""

import pytest

from gonghui.core.testing import add_dispatcher, check_matrix

pytestmark = pytest.mark.django_db


def test_auth_me_is_for_workers(personas):
    everyone = add_dispatcher(personas)
    check_matrix(
        everyone,
        lambda p: p.api().get("/api/v1/auth/me"),
        {
            "courier": 200,
            "street_handler": 401,
            "district_supervisor": 401,
            "city_admin": 401,
            "dispatcher": 401,
            "outsider": 401,
        },
    )
    me = everyone["courier"].api().get("/api/v1/auth/me").json()
    assert me["phone"] != everyone["courier"].worker.phone and "*" in me["phone"]
