"""Employer names in a worker's text, matched (rapidfuzz) to registered enterprises."""

import re
import threading
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rapidfuzz import fuzz, process

from gonghui.orgs.models import Enterprise

# Platform brand -> a word of the operating company's registered name.
PLATFORMS = {
    "美团": "三快",
    "饿了么": "拉扎斯",
    "滴滴": "小桔",
    "顺丰": "顺丰",
    "京东": "京东",
    "闪送": "闪送",
    "货拉拉": "货拉拉",
    "达达": "达达",
    "菜鸟": "菜鸟",
    "中通": "中通",
    "圆通": "圆通",
    "申通": "申通",
    "韵达": "韵达",
    "极兔": "极兔",
    "盒马": "盒马",
    "叮咚买菜": "叮咚",
    "曹操出行": "曹操",
}
COMPANY = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团|公司|工厂|厂))"
)
# Words that end the text before a company's name ("我在X公司", "被X公司").
LEAD = re.compile(r"^.*(?:我在|在|是|被|给|到|去|跟|和|与|向|把|说|家|个|了|的|们|原|这|那|前)")
GENERIC = {
    "公司",
    "有限公司",
    "我们公司",
    "这家公司",
    "那家公司",
    "该公司",
    "本公司",
    "集团",
    "工厂",
    "厂",
}
MATCH_CUTOFF = 86


@dataclass(frozen=True)
class Employer:
    name: str
    enterprise_id: int | None


def _core(name: str) -> str:
    name = re.sub(r"^(北京市|北京)", "", name)
    return re.sub(r"(股份有限公司|有限责任公司|有限公司|集团|公司)$", "", name)


_lock = threading.Lock()
_choices: tuple[list[int], list[str], list[str]] | None = None


def _index() -> tuple[list[int], list[str], list[str]]:
    global _choices
    if _choices is None:
        with _lock:
            if _choices is None:
                rows = list(Enterprise.objects.values_list("id", "name"))
                _choices = ([r[0] for r in rows], [r[1] for r in rows], [_core(r[1]) for r in rows])
    return _choices


def clear_cache() -> None:
    global _choices
    with _lock:
        _choices = None


@receiver(post_save, sender=Enterprise)
@receiver(post_delete, sender=Enterprise)
def _enterprise_changed(sender, **kwargs) -> None:
    clear_cache()


def mentions(text: str) -> list[str]:
    """Return employer names written in the text, platforms included, in order."""
    found = []
    # COMPANY can only match where one of its endings is written: skip it otherwise
    # (exact, and most texts name no company)
    has_company = "公司" in text or "集团" in text or "厂" in text
    for m in COMPANY.finditer(text) if has_company else ():
        name = LEAD.sub("", m.group(1))
        if name not in GENERIC and len(_core(name)) >= 2:
            found.append(name)
    for brand in PLATFORMS:
        if brand in text and not any(brand in f for f in found):
            found.append(brand)
    return found


def match(name: str) -> int | None:
    """Return the id of the enterprise the name most likely means, if close enough."""
    ids, names, cores = _index()
    if not ids:
        return None
    if name in PLATFORMS:
        key = PLATFORMS[name]
        for pk, full in zip(ids, names, strict=True):
            if key in full or name in full:
                return pk
        return None
    core = _core(name)
    # Two characters match too much by part (达物 in 顺达物流): only whole names then.
    scorer, cutoff = (fuzz.WRatio, MATCH_CUTOFF) if len(core) >= 3 else (fuzz.ratio, 100)
    hit = process.extractOne(core, cores, scorer=scorer, score_cutoff=cutoff)
    return ids[hit[2]] if hit else None


def find(text: str) -> Employer | None:
    names = mentions(text)
    if not names:
        return None
    for name in names:
        pk = match(name)
        if pk is not None:
            return Employer(name, pk)
    return Employer(names[0], None)
