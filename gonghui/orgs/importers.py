"""Import the real Beijing union tree from the boundary and street files in shared/data/geo."""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from tqdm import tqdm

from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org
from gonghui.orgs.services import child_path, move_org

CITY_CODE = "110000"
BDA_NAME = "北京经济技术开发区总工会"


@dataclass
class TreeImport:
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated


def geo_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "geo"


def _upsert(result: TreeImport, lookup: dict, defaults: dict, parent: Org | None) -> Org:
    org = Org.objects.filter(**lookup).first()
    if org is None:
        org = Org(**lookup, **defaults, parent=parent, path="")
        org.save()
        org.path = child_path(parent, org.pk)
        org.depth = 0 if parent is None else parent.depth + 1
        org.save(update_fields=["path", "depth"])
        result.created += 1
        return org
    for key, value in defaults.items():
        setattr(org, key, value)
    org.save(update_fields=list(defaults))
    if parent is not None and org.parent_id != parent.pk:
        org = move_org(org, new_parent=parent)
    result.updated += 1
    return org


@transaction.atomic
def import_beijing_tree(directory: Path | None = None, progress: bool = False) -> TreeImport:
    """Create or update the city federation, 17 district-level and 339 street federations.

    Idempotent: orgs are matched by administrative code (the development area, which
    has none, by name), so running it twice changes nothing but refreshed fields.
    """
    directory = directory or geo_dir()
    city_geo = json.loads((directory / "beijing_city_boundary.geojson").read_text())
    districts = json.loads((directory / "beijing_districts_hires.geojson").read_text())
    with open(directory / "beijing_streets_townships.csv", encoding="utf-8") as fh:
        streets = list(csv.DictReader(fh))

    result = TreeImport()
    bar = tqdm(
        total=1 + len(districts["features"]) + 1 + len(streets),
        disable=not progress,
        desc="union tree",
        unit="org",
    )
    city = _upsert(
        result,
        {"admin_code": CITY_CODE},
        {
            "name": "北京市总工会",
            "short_name": "市总工会",
            "kind": OrgKind.CITY,
            "boundary": city_geo["features"][0]["geometry"],
            "lng": 116.405285,
            "lat": 39.904989,
        },
        None,
    )
    bar.update()
    by_code: dict[str, Org] = {}
    for feature in districts["features"]:
        props = feature["properties"]
        lng, lat = props["center"]
        district = _upsert(
            result,
            {"admin_code": str(props["adcode"])},
            {
                "name": f"{props['name']}总工会",
                "short_name": props["name"],
                "kind": OrgKind.DISTRICT,
                "boundary": feature["geometry"],
                "lng": lng,
                "lat": lat,
            },
            city,
        )
        by_code[str(props["adcode"])] = district
        bar.update()
    # The development area is a district-level federation without an administrative
    # code or a polygon in the data; points inside it resolve to 大兴区/通州区 until a
    # boundary is set (docs/orgs.md).
    _upsert(
        result,
        {"name": BDA_NAME, "kind": OrgKind.DISTRICT},
        {"short_name": "经开区", "lng": 116.506, "lat": 39.795},
        city,
    )
    bar.update()
    for row in streets:
        _upsert(
            result,
            {"admin_code": row["id"]},
            {
                "name": f"{row['name']}总工会",
                "short_name": row["name"],
                "kind": OrgKind.STREET,
            },
            by_code[row["parent_id"]],
        )
        bar.update()
    bar.close()
    return result
