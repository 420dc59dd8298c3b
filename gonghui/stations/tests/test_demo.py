"""The small demo network: inside the real districts, denser in the core, searchable."""

import pytest
from shapely.geometry import Point, shape

from gonghui.demo.services import seed
from gonghui.orgs.models import Org
from gonghui.stations.demo import seed_positions
from gonghui.stations.index import StationIndex
from gonghui.stations.models import CheckIn, Position, Rating


@pytest.mark.django_db
def test_the_small_demo_network(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = seed("small", seed_value=3)
    n = Position.objects.count()
    assert 300 < n < 500 and result.counts["stations"]["positions"] == n
    assert Position.objects.filter(kind="service_centre").count() == 17
    # Every point lies inside the polygon of the district it is filed under.
    shapes = {
        o.pk: shape(o.boundary) for o in Org.objects.filter(kind="district").exclude(boundary=None)
    }
    for p in Position.objects.exclude(kind="service_centre")[:200]:
        assert shapes[p.district_id].contains(Point(p.lng, p.lat)), p.name
    # Each station is run by the union of the street it stands in, and its address
    # names its real district and street (no made-up road names).
    from gonghui.orgs.geo import locate

    by_street = Position.objects.filter(owner__kind="street").select_related("owner", "district")
    assert by_street.count() > 200
    for p in by_street[:150]:
        where = locate(p.lat, p.lng, "gcj02")
        if where.street is not None:  # where street outlines exist, the point decides
            assert where.street.org_id == p.owner_id, p.name
        assert p.owner.parent_id == p.district_id, p.name
        street = p.owner.short_name or p.owner.name.removesuffix("总工会")
        district = p.district.display_name.removesuffix("总工会")
        assert p.address.startswith(f"{district}{street}"), p.address
    core = Position.objects.filter(district__admin_code__in=["110101", "110102"]).count()
    yanqing = Position.objects.filter(district__admin_code="110119").count()
    assert core > yanqing  # 东城+西城 (~92 km²) outnumber 延庆 (~2,000 km²)
    assert Position.objects.filter(hours__0=[["00:00", "24:00"]]).exists()
    assert CheckIn.objects.count() > 1000 and Rating.objects.exists()
    # Seeding the stations again keeps the network as it is.
    import random

    from faker import Faker

    seed_positions("small", rng=random.Random(1), fake=Faker("zh_CN"))
    assert Position.objects.count() == n
    assert StationIndex().nearest(39.9087, 116.3975, limit=5)
