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


# Words that may drive a category but say nothing to the staff who read the evidence:
# people, time, places in general, fillers (他, 老板, 现在, 月, 路 …). Single characters
# are fillers too, except the few that name a wrong or a harm (钱, 扣, 伤 …).
EVIDENCE_FILLER = frozenset(
    [
        "他",
        "她",
        "它",
        "他们",
        "她们",
        "我们",
        "你们",
        "咱们",
        "大家",
        "自己",
        "别人",
        "人家",
        "老板",
        "老板娘",
        "领导",
        "公司",
        "单位",
        "厂里",
        "厂子",
        "这边",
        "那边",
        "这里",
        "那里",
        "哪里",
        "现在",
        "今天",
        "昨天",
        "明天",
        "今年",
        "去年",
        "明年",
        "每天",
        "每个",
        "一直",
        "已经",
        "还是",
        "还有",
        "就是",
        "但是",
        "可是",
        "因为",
        "所以",
        "如果",
        "然后",
        "一下",
        "一个",
        "一些",
        "这个",
        "那个",
        "这样",
        "那样",
        "什么",
        "怎么",
        "怎么办",
        "为什么",
        "多少",
        "时候",
        "问题",
        "情况",
        "事情",
        "东西",
        "知道",
        "觉得",
        "应该",
        "可以",
        "能不能",
        "是不是",
        "有没有",
        "没有",
        "不是",
        "我想",
        "想问",
        "请问",
        "你好",
        "您好",
        "谢谢",
        "麻烦",
        "帮忙",
        "一起",
        "好几",
        "几个",
        "很多",
        "特别",
        "非常",
        "根本",
        "直接",
        "突然",
        "经常",
        "老是",
        "总是",
        "从来",
        "到底",
        "之前",
        "以后",
        "以前",
        "后来",
        "最近",
        "月",
        "年",
        "天",
        "日",
        "号",
        "路",
        "里",
        "上",
        "下",
        "说",
        "让",
        "给",
        "叫",
        "找",
        "问",
        "做",
        "干",
        "去",
        "来",
        "回",
        "过",
        "多",
        "少",
        "大",
        "小",
        "点",
        "次",
        "个",
        "家",
        "人",
        "元",
        "块",
    ]
)
EVIDENCE_SINGLE = frozenset(
    [
        "钱",
        "扣",
        "伤",
        "罚",
        "欠",
        "病",
        "孕",
        "残",
        "骗",
        "打",
        "砸",
        "摔",
        "撞",
        "烫",
        "死",
        "累",
        "险",
    ]
)


def is_evidence(word: str) -> bool:
    """Whether ``word`` may be shown to staff as a reason for a category."""
    if word in EVIDENCE_FILLER or not WORD.search(word):
        return False
    return len(word) > 1 or word in EVIDENCE_SINGLE


def features(text: str) -> list[str]:
    """Return the classifier's features: words (``w:``) and the rules' hints (``k:``,
    ``f:``, ``h:``, each repeated ``HINT_REPEAT`` times). Character pairs were features
    until cross-validation showed the model better without them (docs/triage.md)."""
    from gonghui.triage.rules import HINT_REPEAT, hints

    return [f"w:{w}" for w in words(text)] + hints(text) * HINT_REPEAT


def cjk_share(text: str) -> float:
    """Return the share of CJK characters among the non-space characters."""
    solid = len("".join(text.split()))  # str.split and re's \s agree on what a space is
    return len(NOT_CJK.sub("", text)) / solid if solid else 0.0
