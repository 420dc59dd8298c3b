import pytest

from gonghui.core.coords import distance_m, gcj02_to_wgs84, to_gcj02, wgs84_to_gcj02


def test_it_matches_the_published_reference_vector():
    # wandergis/coordTransform's README: wgs84togcj02(116.404, 39.915)
    lat, lng = wgs84_to_gcj02(39.915, 116.404)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)
    assert lng == pytest.approx(116.41024449916938, abs=1e-12)


@pytest.mark.parametrize(
    "lat,lng", [(39.9087, 116.3975), (40.0799, 116.6031), (39.7, 116.2), (40.9, 117.3)]
)
def test_it_inverts_to_within_a_few_centimetres(lat, lng):
    g_lat, g_lng = wgs84_to_gcj02(lat, lng)
    assert distance_m(lat, lng, g_lat, g_lng) > 100  # Beijing offsets are 100-700 m
    back = gcj02_to_wgs84(g_lat, g_lng)
    assert distance_m(lat, lng, *back) < 0.05


def test_it_leaves_points_outside_china_alone():
    assert wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)


def test_it_refuses_an_unknown_crs():
    with pytest.raises(ValueError):
        to_gcj02(39.9, 116.4, "bd09")
