"""A gazetteer of Beijing's districts, streets and towns, from the org tree, plus the
names people use for places (亦庄, 国贸, 中关村 ...).

A name that belongs to units in two districts (八里庄 lies in 朝阳 and 海淀) is
reported as ambiguous, never guessed; a name of two streets of one district gives
the district only.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gonghui.core import generations
from gonghui.core.generations import ProcessCache
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org

# Colloquial names -> (district short name, street short name or None). Streets are
# the official units these areas fall in; where an area spans several, street is None.
ALIASES: dict[str, tuple[str, str | None]] = {
    "亦庄": ("北京经济技术开发区", None),
    "经开区": ("北京经济技术开发区", None),
    "经济技术开发区": ("北京经济技术开发区", None),
    "国贸": ("朝阳", "建外"),
    "CBD": ("朝阳", None),
    "三里屯": ("朝阳", "三里屯"),
    "798": ("朝阳", "酒仙桥"),
    "大望路": ("朝阳", None),
    "双井": ("朝阳", "双井"),
    "西二旗": ("海淀", None),
    "上地": ("海淀", "上地"),
    "五道口": ("海淀", "学院路"),
    "后厂村": ("海淀", None),
    "中关村": ("海淀", "中关村"),
    "王府井": ("东城", "东华门"),
    "西单": ("西城", "西长安街"),
    "天通苑": ("昌平", None),
    "回龙观": ("昌平", "回龙观"),
    "通州副中心": ("通州", None),
    "城市副中心": ("通州", None),
    "首都机场": ("顺义", None),
    "大兴机场": ("大兴", None),
    "南锣鼓巷": ("东城", "交道口"),
    "金融街": ("西城", "金融街"),
    "丽泽": ("丰台", None),
    "望京": ("朝阳", "望京"),
}
# Short names that are also everyday words; only the full name (…街道, …镇) counts.
COMMON_WORDS = {
    "东风",
    "和平",
    "新村",
    "城关",
    "太平",
    "长安",
    "建设",
    "光明",
    "团结",
    "前进",
    "兴隆",
    "南口",
    "北京",
}


@dataclass(frozen=True)
class Place:
    district: tuple[int, str] | None
    street: tuple[int, str] | None
    ambiguous: list[str]
    mention: str = ""


@dataclass
class _Gazetteer:
    automaton: ahocorasick.Automaton | None
    entries: dict[str, list[tuple[tuple[int, str], tuple[int, str] | None]]]


def _build() -> _Gazetteer:
    districts: dict[str, tuple[int, str]] = {}
    entries: dict[str, list] = {}

    def add(name: str, district, street) -> None:
        if len(name) < 2:
            return
        bucket = entries.setdefault(name, [])
        if (district, street) not in bucket:
            bucket.append((district, street))

    rows = Org.objects.filter(kind__in=[OrgKind.DISTRICT, OrgKind.STREET]).values_list(
        "id", "name", "short_name", "kind", "parent_id"
    )
    rows = list(rows)
    for pk, name, short, kind, _parent in rows:
        if kind == OrgKind.DISTRICT:
            ref = (pk, name)
            districts[short or name] = ref
            districts[name.removesuffix("总工会")] = ref
            add(short, ref, None)
            if short.endswith("区") and len(short) > 2:
                add(short[:-1], ref, None)
    by_pk = {ref[0]: ref for ref in districts.values()}
    streets: dict[str, tuple[int, str]] = {}
    for pk, name, short, kind, parent in rows:
        if kind != OrgKind.STREET or parent not in by_pk:
            continue
        ref, district = (pk, name), by_pk[parent]
        add(short, district, ref)
        streets.setdefault(f"{district[1]}|{short}", ref)
        base = re.sub(r"(街道|地区|镇|乡)$", "", short)
        if base != short and base not in COMMON_WORDS and len(base) >= 2:
            add(base, district, ref)
    for alias, (district_short, street_short) in ALIASES.items():
        district = districts.get(district_short) or districts.get(f"{district_short}区")
        if district is None:
            continue
        street = None
        if street_short:
            for suffix in ("街道", "地区", "镇", "乡", ""):
                street = streets.get(f"{district[1]}|{street_short}{suffix}")
                if street:
                    break
        entries[alias] = [(district, street)]
    automaton = None
    if entries:
        automaton = ahocorasick.Automaton()
        for name in entries:
            automaton.add_word(name, name)
        automaton.make_automaton()
    return _Gazetteer(automaton, entries)


_cache: ProcessCache[_Gazetteer] = ProcessCache("gazetteer", _build)


def _get() -> _Gazetteer:
    return _cache.get()


def clear_cache() -> None:
    _cache.clear()


@receiver(post_save, sender=Org)
@receiver(post_delete, sender=Org)
def _org_changed(sender, instance: Org, **kwargs) -> None:
    if instance.kind in (OrgKind.DISTRICT, OrgKind.STREET):
        generations.bump("gazetteer")  # the other processes rebuild within 30 s


def _inside_a_longer_code(text: str, start: int, end: int) -> bool:
    """Whether text[start:end + 1] has a Latin letter or digit right before or after."""

    def code(i: int) -> bool:
        return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()

    return code(start - 1) or code(end + 1)


def find(text: str) -> Place:
    """Return the most specific place named in ``text`` (streets before districts)."""
    g = _get()
    if g.automaton is None or not text:
        return Place(None, None, [])
    best: tuple[int, Place] | None = None
    ambiguous: list[str] = []
    # leftmost-longest, without overlaps: what a regex of the names longest first finds
    for end, name in g.automaton.iter_long(text):
        if name.isascii() and _inside_a_longer_code(text, end - len(name) + 1, end):
            continue  # 798 in 工号127983 is no art district, CBD in ABCD no business centre
        options = g.entries[name]
        districts = {d for d, _s in options}
        if len(districts) > 1:
            ambiguous.append(name)
            continue
        district = options[0][0]
        street = options[0][1] if len(options) == 1 else None
        rank = 2 if street else 1
        if best is None or rank > best[0]:
            best = (rank, Place(district, street, [], name))
    if best is None:
        return Place(None, None, sorted(set(ambiguous)))
    place = best[1]
    return Place(place.district, place.street, sorted(set(ambiguous)), place.mention)


# --- typed places to points (找驿站) -------------------------------------------------------------

POINTS_FILE = Path(__file__).parent / "data" / "place_points.csv"


@dataclass(frozen=True)
class Origin:
    """A typed place resolved to a point (GCJ-02): ``precise`` when the point is the
    place's own, False when a street without a point stands at its district's centre."""

    name: str
    kind: str  # district, street, landmark
    district: str
    precise: bool
    lat: float
    lng: float

    @property
    def query(self) -> str:
        """The text that resolves to exactly this place again (district first)."""
        return self.name if self.kind == "district" else f"{self.district}{self.name}"


@cache
def _points() -> dict[tuple[str, str], tuple[float, float]]:
    """(district short name, place name) -> (lat, lng) from ``data/place_points.csv``."""
    with open(POINTS_FILE, encoding="utf-8") as fh:
        return {
            (row["district"], row["name"]): (float(row["lat"]), float(row["lng"]))
            for row in csv.DictReader(fh)
        }


def point_of(district: str, name: str) -> tuple[float, float] | None:
    """The (lat, lng) the point table holds for a street or landmark of ``district``."""
    return _points().get((district, name))


def _split_district(text: str, districts: list[Org]) -> tuple[Org | None, str]:
    """ "朝阳区八里庄街道" -> (朝阳区, "八里庄街道"); a text without a district prefix as is."""
    # Longest prefix first: "海淀区八里庄街道" must lose "海淀区", not only "海淀".
    prefixes = sorted(
        ((p, d) for d in districts for p in (d.display_name, d.display_name.removesuffix("区"))),
        key=lambda pd: -len(pd[0]),
    )
    for prefix, d in prefixes:
        if len(prefix) >= 2 and text.startswith(prefix) and len(text) > len(prefix):
            return d, text[len(prefix) :]
    return None, text


def resolve(typed: str) -> list[Origin]:
    """Return every place ``typed`` may name, each at its own point: none (unknown), one,
    or several (八里庄 lies in 朝阳 and 海淀; "朝阳八里庄" picks one)."""
    text = re.sub(r"\s+", "", typed or "")
    if len(text) < 2:
        return []
    districts = list(
        Org.objects.filter(kind=OrgKind.DISTRICT).only("id", "name", "short_name", "lat", "lng")
    )
    by_pk = {d.pk: d for d in districts}
    within, rest = _split_district(text, districts)
    options = _get().entries.get(rest) or _get().entries.get(text) or []
    if within is not None and rest in _get().entries:
        options = [o for o in _get().entries[rest] if o[0][0] == within.pk]
    streets = {
        s.pk: s
        for s in Org.objects.filter(pk__in=[s[0] for _d, s in options if s]).only(
            "id", "short_name", "lat", "lng"
        )
    }
    found: list[Origin] = []
    name = rest if within is not None and rest in _get().entries else text
    for (district_pk, _dn), street in options:
        district = by_pk.get(district_pk)
        if district is None:
            continue
        dname = district.display_name
        if name in ALIASES:
            point = _points().get((dname, name))
            kind = "landmark"
            label = name
        elif street is not None:
            org = streets.get(street[0])
            label = org.short_name if org else street[1]
            point = (org.lat, org.lng) if org and org.lat and org.lng else None
            point = point or _points().get((dname, label))
            kind = "street"
        else:
            point = (district.lat, district.lng) if district.lat and district.lng else None
            kind, label = "district", dname
        precise = point is not None
        if point is None:
            if not (district.lat and district.lng):
                continue
            point = (district.lat, district.lng)
        found.append(Origin(label, kind, dname, precise, round(point[0], 6), round(point[1], 6)))
    return found
