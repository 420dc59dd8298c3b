"""Chinese text to tokens: jieba words (with labour terms added).

One tokenizer for the classifier, the knowledge search and the surge detector, so a
word means the same thing everywhere.
"""

import re
import threading

import rjieba

# Terms jieba's dictionary splits but workers and laws use as one word.
LABOUR_TERMS = [
    "欠薪",
    "讨薪",
    "拖欠工资",
    "包工头",
    "农民工",
    "最低工资",
    "加班费",
    "年休假",
    "带薪年休假",
    "社保",
    "五险一金",
    "公积金",
    "工伤",
    "工伤认定",
    "职业病",
    "伤残鉴定",
    "经济补偿",
    "经济补偿金",
    "赔偿金",
    "辞退",
    "开除",
    "裁员",
    "劳动合同",
    "试用期",
    "二倍工资",
    "竞业限制",
    "劳务派遣",
    "调岗",
    "降薪",
    "劳动仲裁",
    "劳动监察",
    "法律援助",
    "入会",
    "会员卡",
    "会籍",
    "建会",
    "集体合同",
    "集体协商",
    "职代会",
    "职工代表大会",
    "厂务公开",
    "驿站",
    "职工之家",
    "互助保障",
    "困难职工",
    "大病救助",
    "金秋助学",
    "招聘会",
    "技能培训",
    "创业担保贷款",
    "骑手",
    "外卖员",
    "快递员",
    "网约车",
    "封号",
    "派单",
    "众包",
    "职业伤害保障",
    "安全隐患",
    "防暑降温",
    "高温津贴",
    "劳保用品",
    "产假",
    "哺乳期",
    "孕期",
    "女职工",
    "性别歧视",
    "性骚扰",
    "工会主席",
    "12351",
]
_lock = threading.Lock()
_segmenter: rjieba.Jieba | None = None
STOP = set("的了是我在有和就不人都一也很到说要去你会着没看好自己这那吗呢吧啊呀么么请问您")
NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


LABOUR_TERM_FREQ = 200000


def segmenter() -> rjieba.Jieba:
    """Return the process's segmenter: jieba-rs (jieba's algorithm and dictionary,
    compiled) with the labour terms added, built once."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                seg = rjieba.Jieba()
                for term in LABOUR_TERMS:
                    seg.add_word(term, LABOUR_TERM_FREQ, None)
                _segmenter = seg
    return _segmenter


def segment(text: str) -> list[str]:
    """Return jieba's words of ``text`` without HMM (fast and deterministic); the same
    words as ``jieba.lcut(text, HMM=False)`` with the same added terms (a test checks)."""
    seg = _segmenter or segmenter()
    try:
        return seg.cut(text, False)
    except UnicodeEncodeError:  # a lone surrogate (JSON allows "\ud800"): not a word
        return seg.cut(text.encode("utf-8", "replace").decode("utf-8"), False)


def words(text: str) -> list[str]:
    """Return the content words of ``text``."""
    return [w for w in segment(text.lower()) if w not in STOP and WORD.search(w)]


def cjk_share(text: str) -> float:
    """Return the share of CJK characters among the non-space characters."""
    solid = len("".join(text.split()))  # str.split and re's \s agree on what a space is
    return len(NOT_CJK.sub("", text)) / solid if solid else 0.0
