"""Employer names in a worker's text, matched (rapidfuzz) to registered enterprises."""

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rapidfuzz import fuzz, process

from gonghui.core import generations
from gonghui.core.generations import ProcessCache
from gonghui.orgs.models import Enterprise
from gonghui.triage import text as tx

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
# Words that end the text before a company's name ("我在X公司", "被X公司"), as jieba
# cuts them: a name holding the same character (家乐福, 在线, 和平里) is one word, so
# it keeps it.
LEAD_WORDS = {
    *"我你他她在是系被给到去跟和与向把说家个了的们原这那前让叫对从替为",
    *("我在", "我系", "我们", "他们", "一家", "这家", "那家", "一个", "这个", "那个", "就是"),
    *("进入", "进了", "应聘", "入职", "就职", "上班", "工作", "打工", "干活", "反映", "投诉"),
}
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
# A company named only by its trade (劳务派遣公司, 这家物流公司): a description, not a
# name. Fuzzy matching would find some registered 劳务派遣 firm and route the appeal to
# its union, and duplicates would link strangers, so it is no employer mention.
TRADE_ONLY = re.compile(
    r"(?:这家|那家|一家|这个|那个|我们|咱们|我|该|本|原|小|大|黑心|私人|个体)?"
    r"(?:劳务派遣|劳务|派遣|人力资源|人力|物流|快递|外卖|配送|装修|装饰|建筑|工程|建设|保安|"
    r"保洁|家政|餐饮|饭店|酒店|物业|中介|房产|地产|广告|传媒|文化|商贸|贸易|运输|搬家|培训|"
    r"教育|医药|服装|食品|汽车|加工|电子|科技|网络|信息|技术|软件|互联网|制造|机械|印刷|"
    r"包装|超市|外包|服务|管理|发展|咨询|有限)+"
)
MATCH_CUTOFF = 86


@dataclass(frozen=True)
class Employer:
    name: str
    enterprise_id: int | None


def _core(name: str) -> str:
    name = re.sub(r"\s+", "", name)  # spaces would make rapidfuzz's token scorers differ
    name = re.sub(r"^(北京市|北京)", "", name)
    return re.sub(r"(股份有限公司|有限责任公司|有限公司|集团|公司)$", "", name)


def _pairs(core: str) -> list[str]:
    return [core[i : i + 2] for i in range(len(core) - 1)]


def _shared_pairs_needed(m: int, n: int) -> int:
    """How many character pairs a name core of length ``n`` must share with a query
    core of length ``m`` (m >= 3) to reach WRatio >= 86; -1 when it cannot reach it.

    WRatio of strings without spaces is the larger of ratio (length ratio < 1.5) or of
    ratio and 0.9 x partial_ratio (below 8; at 8 and over 0.6 x, never 86). A ratio r
    of strings of lengths a and b means a common subsequence of L >= r(a + b)/2
    characters; of its L - 1 neighbouring pairs, every one broken by an unmatched
    character in either string costs one of the a + b - 2L unmatched characters, so at
    least 3L - 1 - (a + b) are pairs of both. ratio >= 0.86 gives 0.29(a + b) - 1;
    partial_ratio >= 95.6 (over a window of the longer string, w >= 0.91 x the shorter
    s) gives 0.83s - 1. Constants rounded down: the bound stays a lower bound.
    """
    short, long_ = min(m, n), max(m, n)
    if long_ >= 8 * short:
        return -1
    by_ratio = 0.28 * (m + n) - 1
    bound = by_ratio if long_ < 1.5 * short else min(by_ratio, 0.82 * short - 1)
    return max(0, math.ceil(bound))


@dataclass
class _Registry:
    """The enterprises' names and cores, with an index that finds, for a query core,
    every core that could reach the fuzzy cutoff (so rapidfuzz scores a few hundred
    names, not the city's 220,000, and finds what a full scan finds: a test checks)."""

    ids: list[int]
    names: list[str]
    cores: list[str]
    exact: dict[str, int]  # core -> first index (the one a full scan would find)
    postings: dict[tuple[str, int], np.ndarray]  # (pair, core length) -> indices
    lengths: list[int]
    platforms: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: list[tuple[int, str]]) -> "_Registry":
        cores = [_core(name) for _pk, name in rows]
        exact: dict[str, int] = {}
        postings: dict[tuple[str, int], list[int]] = {}
        for i, core in enumerate(cores):
            if core in exact:  # a repeated core scores as its first: index it once
                continue
            exact[core] = i
            for pair in set(_pairs(core)) if len(core) > 1 else {core}:
                postings.setdefault((pair, len(core)), []).append(i)
        return cls(
            ids=[pk for pk, _name in rows],
            names=[name for _pk, name in rows],
            cores=cores,
            exact=exact,
            postings={k: np.array(v, dtype=np.int64) for k, v in postings.items()},
            lengths=sorted({len(c) for c in cores}),
        )

    def candidates(self, core: str) -> list[int]:
        """Return, in registry order, the indices of every core that shares enough
        pairs with ``core`` to reach the cutoff (``_shared_pairs_needed``)."""
        pairs = _pairs(core)
        distinct = set(pairs)
        repeat = max(Counter(pairs).values())  # a pair seen twice counts once in `distinct`
        found = []
        for n in self.lengths:
            if n == 1:  # one character: in the text or not (partial_ratio 100 x 0.9)
                found += [self.postings[(ch, 1)] for ch in set(core) if (ch, 1) in self.postings]
                continue
            need = _shared_pairs_needed(len(core), n)
            if need < 0:
                continue
            need = max(1, math.ceil(need / repeat))
            lists = sorted(
                (self.postings[(p, n)] for p in distinct if (p, n) in self.postings), key=len
            )
            if len(lists) < need:
                continue
            # A core sharing `need` of the pairs holds one of the len - need + 1 rarest
            # (prefix filter); then count in every list how many it really shares.
            rows = np.unique(np.concatenate(lists[: len(lists) - need + 1]))
            if need > 1:
                shared = np.zeros(len(rows), dtype=np.int64)
                for posting in lists:
                    at = np.minimum(np.searchsorted(posting, rows), len(posting) - 1)
                    shared += posting[at] == rows
                rows = rows[shared >= need]
            found.append(rows)
        return np.unique(np.concatenate(found)).tolist() if found else []

    def match(self, name: str) -> int | None:
        if name in PLATFORMS:
            if name not in self.platforms:
                key = PLATFORMS[name]
                self.platforms[name] = next(
                    (
                        pk
                        for pk, full in zip(self.ids, self.names, strict=True)
                        if key in full or name in full
                    ),
                    None,
                )
            return self.platforms[name]
        core = _core(name)
        i = self.exact.get(core)
        if i is not None:  # identical: 100, and a full scan finds the first such
            return self.ids[i]
        if len(core) < 3:  # two characters match too much by part (达物 in 顺达物流)
            return None
        # Of similar length, WRatio of strings without spaces is plain ratio (its token
        # scorers see one token each and give no more): score those with the cheaper one.
        m, near, far = len(core), [], []
        for i in self.candidates(core):
            n = len(self.cores[i])
            (near if max(m, n) < 1.5 * min(m, n) else far).append(i)
        best = None
        for rows, scorer in ((near, fuzz.ratio), (far, fuzz.WRatio)):
            hit = process.extractOne(
                core, [self.cores[i] for i in rows], scorer=scorer, score_cutoff=MATCH_CUTOFF
            )
            if hit and (best is None or (hit[1], -rows[hit[2]]) > best):
                best = (hit[1], -rows[hit[2]])  # the best score, then the first, as a scan
        return self.ids[-best[1]] if best else None


def _build() -> _Registry:
    return _Registry.build(list(Enterprise.objects.order_by("pk").values_list("id", "name")))


_cache: ProcessCache[_Registry] = ProcessCache("enterprises", _build)


def _index() -> _Registry:
    return _cache.get()


def clear_cache() -> None:
    _cache.clear()


@receiver(post_save, sender=Enterprise)
@receiver(post_delete, sender=Enterprise)
def _enterprise_changed(sender, **kwargs) -> None:
    generations.bump("enterprises")  # the other processes rebuild within 30 s


def _without_lead(span: str) -> str:
    """Return the company name at the end of ``span``: what follows its last lead word."""
    words = tx.segment(span)
    last = max((i for i, w in enumerate(words) if w in LEAD_WORDS), default=-1)
    return "".join(words[last + 1 :])


def mentions(text: str) -> list[str]:
    """Return employer names written in the text, platforms included, in order."""
    found = []
    # COMPANY can only match where one of its endings is written: skip it otherwise
    # (exact, and most texts name no company)
    has_company = "公司" in text or "集团" in text or "厂" in text
    for m in COMPANY.finditer(text) if has_company else ():
        name = _without_lead(m.group(1))
        core = _core(name)
        if name not in GENERIC and len(core) >= 2 and not TRADE_ONLY.fullmatch(core):
            found.append(name)
    for brand in PLATFORMS:
        if brand in text and not any(brand in f for f in found):
            found.append(brand)
    return found


def match(name: str) -> int | None:
    """Return the id of the enterprise the name most likely means, if close enough."""
    registry = _index()
    return registry.match(name) if registry.ids else None


def find(text: str) -> Employer | None:
    names = mentions(text)
    if not names:
        return None
    for name in names:
        pk = match(name)
        if pk is not None:
            return Employer(name, pk)
    return Employer(names[0], None)
