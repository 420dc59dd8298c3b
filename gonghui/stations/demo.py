"""Demo positions: Beijing's network at scale, inside the real district polygons.

Numbers at ``city`` scale follow the federation's published counts (17 worker service
centres, 367 union service stations, 381 public-area worker homes, 8,300 warm stations,
1,095 mother-and-baby rooms, 390 heart stations); drivers' homes have no published
count, 240 is our assumption. ``small`` keeps a few hundred so seeding stays fast.

Points: 70 % fall around the urban core (a normal spread of ~9 km around 天安门, kept
when inside Beijing), the rest uniformly over the city; every point is located against
the real district boundaries, so each position lies in the district it is filed under.
Names come from Faker zh_CN; no real station or person is named.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep
from tqdm import tqdm

from gonghui.accounts.models import Worker
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.geo import locate
from gonghui.orgs.models import Org
from gonghui.stations.choices import CRITERIA_WEIGHTS, Host, Kind, amenity_mask, stars_for
from gonghui.stations.index import bump_version
from gonghui.stations.models import Assessment, CheckIn, Position, PositionChange, Rating

CITY_COUNTS = {
    Kind.SERVICE_CENTRE: 17,
    Kind.SERVICE_STATION: 367,
    Kind.WORKER_HOME: 381,
    Kind.WARM_STATION: 8300,
    Kind.MOTHER_BABY_ROOM: 1095,
    Kind.HEART_STATION: 390,
    Kind.DRIVER_HOME: 240,
}
SMALL_COUNTS = {
    Kind.SERVICE_CENTRE: 17,
    Kind.SERVICE_STATION: 30,
    Kind.WORKER_HOME: 30,
    Kind.WARM_STATION: 260,
    Kind.MOTHER_BABY_ROOM: 40,
    Kind.HEART_STATION: 15,
    Kind.DRIVER_HOME: 8,
}
CORE = (39.9087, 116.3975)  # 天安门, GCJ-02
CORE_SIGMA_DEG = 0.085

HOSTS = {
    Kind.WARM_STATION: [
        (Host.SHOP, 25),
        (Host.PETROL, 12),
        (Host.BANK, 12),
        (Host.RESTAURANT, 10),
        (Host.COMMUNITY, 15),
        (Host.BUILDING, 10),
        (Host.UNION, 8),
        (Host.ENTERPRISE, 8),
    ],
    Kind.MOTHER_BABY_ROOM: [
        (Host.ENTERPRISE, 50),
        (Host.BUILDING, 25),
        (Host.HOSPITAL, 10),
        (Host.STATION, 15),
    ],
    Kind.HEART_STATION: [(Host.UNION, 50), (Host.COMMUNITY, 30), (Host.ENTERPRISE, 20)],
    Kind.DRIVER_HOME: [(Host.PETROL, 50), (Host.STATION, 30), (Host.ENTERPRISE, 20)],
}
HOST_SUFFIX = {
    Host.SHOP: "便利店",
    Host.PETROL: "加油站",
    Host.BANK: "支行",
    Host.RESTAURANT: "餐厅",
    Host.COMMUNITY: "社区服务中心",
    Host.BUILDING: "大厦",
    Host.UNION: "职工之家",
    Host.ENTERPRISE: "有限公司",
    Host.HOSPITAL: "医院",
    Host.STATION: "交通枢纽",
    Host.PARK: "公园",
}
KIND_SUFFIX = {
    Kind.SERVICE_CENTRE: "职工服务中心",
    Kind.SERVICE_STATION: "工会服务站",
    Kind.WORKER_HOME: "户外劳动者职工之家",
    Kind.WARM_STATION: "暖心驿站",
    Kind.MOTHER_BABY_ROOM: "爱心妈妈小屋",
    Kind.HEART_STATION: "心灵驿站",
    Kind.DRIVER_HOME: "司机之家",
}
# amenity -> probability, per kind
AMENITIES = {
    Kind.WARM_STATION: {
        "water": 1,
        "rest": 1,
        "charging": 0.9,
        "toilet": 0.6,
        "heating": 0.7,
        "cooling": 0.7,
        "microwave": 0.5,
        "medicine": 0.45,
        "wifi": 0.5,
        "books": 0.2,
    },
    Kind.WORKER_HOME: {
        "water": 1,
        "rest": 1,
        "charging": 0.9,
        "toilet": 0.8,
        "heating": 0.8,
        "cooling": 0.8,
        "microwave": 0.7,
        "medicine": 0.6,
        "wifi": 0.7,
        "books": 0.5,
    },
    Kind.SERVICE_STATION: {
        "water": 1,
        "rest": 0.9,
        "charging": 0.8,
        "legal": 0.8,
        "wifi": 0.8,
        "books": 0.6,
        "toilet": 0.7,
        "counselling": 0.3,
    },
    Kind.SERVICE_CENTRE: {
        "water": 1,
        "rest": 1,
        "charging": 1,
        "legal": 1,
        "counselling": 1,
        "wifi": 1,
        "books": 1,
        "toilet": 1,
        "medicine": 0.8,
        "nursing": 0.6,
    },
    Kind.MOTHER_BABY_ROOM: {
        "nursing": 1,
        "water": 0.9,
        "rest": 0.8,
        "toilet": 0.5,
        "microwave": 0.4,
    },
    Kind.HEART_STATION: {"counselling": 1, "rest": 0.9, "water": 0.9, "books": 0.6},
    Kind.DRIVER_HOME: {
        "parking": 1,
        "rest": 1,
        "water": 1,
        "toilet": 0.9,
        "microwave": 0.7,
        "shower": 0.4,
        "charging": 0.8,
        "wifi": 0.6,
    },
}
GROUPS = {
    Kind.WARM_STATION: ["outdoor", "courier", "delivery", "sanitation", "driver"],
    Kind.WORKER_HOME: ["outdoor", "sanitation", "courier", "delivery"],
    Kind.MOTHER_BABY_ROOM: ["women"],
    Kind.DRIVER_HOME: ["driver"],
}

ALWAYS = [[["00:00", "24:00"]] for _ in range(7)]


def _hours(rng: random.Random, kind: str, host: str) -> tuple[list, bool]:
    """Return (weekly schedule, closed on holidays) realistic for the kind and host."""
    if host == Host.PETROL or (kind == Kind.WARM_STATION and rng.random() < 0.12):
        return ALWAYS, False
    if kind in (Kind.SERVICE_CENTRE, Kind.SERVICE_STATION, Kind.HEART_STATION):
        week = [[["09:00", "17:30"]]] * 5 + [[], []]
        if rng.random() < 0.4:
            week = week[:5] + [[["09:00", "12:00"]], []]
        return [list(d) for d in week], True
    if kind == Kind.MOTHER_BABY_ROOM:
        return [[["08:30", "18:00"]] for _ in range(5)] + [[], []], True
    if host == Host.RESTAURANT:
        return [[["10:00", "22:00"]] for _ in range(7)], False
    if host == Host.BANK:
        return [[["09:00", "17:00"]] for _ in range(5)] + [
            [["09:30", "16:00"]],
            [["09:30", "16:00"]],
        ], False
    if kind == Kind.DRIVER_HOME or rng.random() < 0.1:
        return [[["18:00", "06:00"]] for _ in range(7)], False  # a night shelter across midnight
    opens = rng.choice(["07:00", "07:30", "08:00", "08:30"])
    closes = rng.choice(["19:00", "20:00", "21:00", "22:00"])
    return [[[opens, closes]] for _ in range(7)], False


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _point(rng: random.Random, city, bbox) -> tuple[float, float]:
    while True:
        if rng.random() < 0.7:
            lat = rng.gauss(CORE[0], CORE_SIGMA_DEG)
            lng = rng.gauss(CORE[1], CORE_SIGMA_DEG * 1.3)
        else:
            lat = rng.uniform(bbox[1], bbox[3])
            lng = rng.uniform(bbox[0], bbox[2])
        if city.contains(Point(lng, lat)):
            return lat, lng


def seed_positions(
    scale_name: str, *, rng: random.Random, fake, progress: bool = False
) -> dict[str, int]:
    """Create the demo positions, assessments, check-ins and ratings (once: skipped when
    positions exist). Returns counts."""
    if Position.objects.exists():
        return {"positions": Position.objects.count()}
    counts = CITY_COUNTS if scale_name == "city" else SMALL_COUNTS
    city_org = Org.objects.get(kind=OrgKind.CITY)
    city = prep(shape(city_org.boundary))
    bbox = shape(city_org.boundary).bounds
    districts = {o.pk: o for o in Org.objects.filter(kind=OrgKind.DISTRICT).defer("boundary")}
    streets_by_district: dict[int, list[int]] = {}
    street_names: dict[int, str] = {}
    for sid, pid, name, short in Org.objects.filter(kind=OrgKind.STREET).values_list(
        "id", "parent_id", "name", "short_name"
    ):
        streets_by_district.setdefault(pid, []).append(sid)
        street_names[sid] = short or name.removesuffix("总工会")
    district_list = sorted(d for d in districts if districts[d].admin_code)

    total = sum(counts.values())
    bar = tqdm(total=total, disable=not progress, desc="stations", unit="row")
    rows: list[Position] = []
    for kind, n in counts.items():
        for i in range(n):
            if kind == Kind.SERVICE_CENTRE:
                # One per district: at the district's centre, owned by the district.
                d = districts[district_list[i % len(district_list)]]
                c = shape(Org.objects.only("boundary").get(pk=d.pk).boundary).representative_point()
                lat, lng, district_id, street_id = c.y, c.x, d.pk, None
            else:
                lat, lng = _point(rng, city, bbox)
                where = locate(lat, lng, "gcj02")
                district_id = where.district.org_id if where.district else None
                if district_id is None:
                    continue
                # The street (街道/乡镇) the point stands in: its union runs the station.
                street_id = where.street.org_id if where.street else None
            district = districts[district_id]
            streets = streets_by_district.get(district_id) or [district_id]
            if street_id not in street_names and kind != Kind.SERVICE_CENTRE:
                # No street outline holds the point (the tree has district outlines
                # only): one street of its district, named in the address and running it.
                street_id = rng.choice(streets) if streets[0] in street_names else None
            owner_id = (
                district_id
                if kind in (Kind.SERVICE_CENTRE, Kind.HEART_STATION) or street_id is None
                else street_id
            )
            host = _weighted(rng, HOSTS.get(kind, [(Host.UNION, 1)]))
            host_name = (
                f"{fake.last_name()}记{HOST_SUFFIX[host]}"
                if host in (Host.SHOP, Host.RESTAURANT)
                else f"{fake.company_prefix()}{HOST_SUFFIX[host]}"
            )
            short = district.display_name.removesuffix("总工会")
            name = (
                f"{short}{KIND_SUFFIX[kind]}"
                if kind == Kind.SERVICE_CENTRE
                else f"{host_name}{KIND_SUFFIX[kind]}"
            )
            week, holidays = _hours(rng, kind, host)
            amen = [a for a, p in AMENITIES[kind].items() if rng.random() < p]
            rows.append(
                Position(
                    kind=kind,
                    name=name[:120],
                    owner_id=owner_id,
                    district_id=district_id,
                    host_kind=host,
                    host_name=host_name,
                    # The real names of its district and street, then the host it is in
                    # (no made-up road names).
                    address=f"{short}{street_names.get(street_id, '')}{host_name}内",
                    lat=round(lat, 6),
                    lng=round(lng, 6),
                    amenities=amen,
                    served_groups=GROUPS.get(kind, ["all"]),
                    hours=week,
                    closed_on_holidays=holidays,
                    status="open" if rng.random() > 0.03 else "suspended",
                    contact_name=fake.name(),
                    contact_phone=f"010-{rng.randrange(6000_0000, 8999_9999)}",
                )
            )
            bar.update()
    bar.close()
    for p in rows:  # bulk_create skips save(): set the bitmask here
        p.amenity_mask = amenity_mask(p.amenities)
    created = Position.objects.bulk_create(rows, batch_size=2000)
    PositionChange.objects.bulk_create(
        [PositionChange(position=p, action="create", actor_label="seed_demo") for p in created],
        batch_size=5000,
    )

    # Assessments for about a third, with the stars they give.
    today = timezone.localdate()
    assessments = []
    for p in created:
        if rng.random() < 0.35:
            scores = {c: rng.randrange(50, 101) for c in CRITERIA_WEIGHTS}
            total = round(sum(scores[c] * w / 100 for c, w in CRITERIA_WEIGHTS.items()), 1)
            on = today - timedelta(days=rng.randrange(10, 500))
            assessments.append(
                Assessment(
                    position=p, assessed_on=on, scores=scores, total=total, stars=stars_for(total)
                )
            )
            p.stars, p.last_assessed_on = stars_for(total), on
    Assessment.objects.bulk_create(assessments, batch_size=5000)
    Position.objects.bulk_update(
        [a.position for a in assessments], ["stars", "last_assessed_on"], batch_size=2000
    )

    # Check-ins over the last six months, more at warm stations.
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    checkins = []
    n_checkins = 60_000 if scale_name == "city" else 1_500
    used_pool = {p.pk: p.amenities for p in created}
    busy = [p for p in created if p.kind in (Kind.WARM_STATION, Kind.WORKER_HOME)] or created
    seen = set()
    for i in tqdm(range(n_checkins), disable=not progress, desc="check-ins", unit="row"):
        p = rng.choice(busy)
        hour = now - timedelta(hours=rng.randrange(1, 24 * 180))
        device = f"demo-{i}"
        if (p.pk, hour) in seen and rng.random() < 0.5:
            continue
        seen.add((p.pk, hour))
        amen = used_pool[p.pk]
        used = rng.sample(amen, k=min(len(amen), rng.randrange(1, 3))) if amen else []
        checkins.append(CheckIn(position=p, device=device, used=used, hour=hour))
    CheckIn.objects.bulk_create(checkins, batch_size=5000)
    # bulk_create sets ``at`` to now: spread it to the hour it stands for.
    CheckIn.objects.filter(device__startswith="demo-").update(at=F("hour"))

    # Demo workers (generated numbers in the 139 range) and their ratings.
    n_workers = 400 if scale_name == "city" else 40
    workers = []
    for _i in range(n_workers):
        phone = f"139{rng.randrange(10**7, 10**8):08d}"
        w, _created = Worker.objects.get_or_create(
            phone_hash=_phone_hash(phone), defaults={"phone": phone}
        )
        workers.append(w)
    ratings = []
    pairs = set()
    for _ in range(len(created) // 3):
        p, w = rng.choice(busy), rng.choice(workers)
        if (p.pk, w.pk) in pairs:
            continue
        pairs.add((p.pk, w.pk))
        ratings.append(
            Rating(
                position=p,
                worker=w,
                score=_weighted(rng, [(5, 45), (4, 30), (3, 15), (2, 6), (1, 4)]),
                comment=rng.choice(
                    [
                        "",
                        "",
                        "热水很方便",
                        "充电很及时",
                        "冬天很暖和",
                        "环境干净",
                        "工作人员热情",
                        "有时不开门",
                    ]
                ),
            )
        )
    Rating.objects.bulk_create(ratings, batch_size=5000)
    bump_version()
    return {
        "positions": len(created),
        "assessments": len(assessments),
        "checkins": len(checkins),
        "ratings": len(ratings),
    }


def _phone_hash(phone: str) -> str:
    from gonghui.core import pii

    return pii.digest("phone", phone)
