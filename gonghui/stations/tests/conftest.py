import pytest

from gonghui.orgs.models import Org
from gonghui.stations import services

ALWAYS = [[["00:00", "24:00"]] for _ in range(7)]
DAYTIME = [[["08:00", "20:00"]] for _ in range(7)]
WANGJING = (39.9968, 116.4803)  # GCJ-02, near 望京 SOHO


@pytest.fixture
def wangjing(db):
    return Org.objects.get(admin_code="110105026")


@pytest.fixture
def make_position(city_admin, wangjing):
    """Create a position through the service (validated, history, index version)."""

    def make(**overrides):
        data = {
            "kind": "warm_station",
            "name": "望京暖心驿站",
            "owner": wangjing,
            "host_kind": "shop",
            "host_name": "便利店",
            "address": "朝阳区望京街道阜通东大街1号",
            "lat": WANGJING[0],
            "lng": WANGJING[1],
            "crs": "gcj02",
            "amenities": ["water", "charging", "rest"],
            "served_groups": ["outdoor", "delivery"],
            "hours": ALWAYS,
        }
        data.update(overrides)
        return services.create_position(data, actor=city_admin.user)

    return make
