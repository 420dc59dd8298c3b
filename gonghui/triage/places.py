"""A gazetteer of Beijing's districts, streets and towns, from the org tree, plus the
names people use for places (亦庄, 国贸, 中关村 ...).

A name that belongs to units in two districts (八里庄 lies in 朝阳 and 海淀) is
reported as ambiguous, never guessed; a name of two streets of one district gives
the district only.
"""

import re
from dataclasses import dataclass

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
