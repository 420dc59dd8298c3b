"""The permission matrix of rating a station: signed-in workers only."""

import json

import pytest

from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.stations.models import Rating

pytestmark = pytest.mark.django_db


def test_rating_is_for_signed_in_workers(personas, make_position):
    everyone = add_dispatcher(personas)
    position = make_position()
    check_matrix(
        everyone,
        lambda p: p.api().post(
            f"/api/v1/stations/{position.pk}/ratings",
            json.dumps({"score": 4}),
            content_type="application/json",
        ),
        {
            "courier": 200,
            "street_handler": 401,
            "district_supervisor": 401,
            "city_admin": 401,
            "dispatcher": 401,
            "outsider": 401,
        },
    )
    assert list(Rating.objects.values_list("score", flat=True)) == [4]
