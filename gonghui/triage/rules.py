"""Rules of triage (documented in docs/triage.md): keyword hints for the classifier,
kind and urgency.

Kind and urgency are rules, not learned: no real data labels them, and urgency must
not miss the collective or dangerous case, so it is written out where it can be read.
"""

import re

import ahocorasick

# Keyword hints per category; each hit is a classifier feature (``k:<category>``), so
# the model learns how much to trust it instead of the first match winning.
CATEGORY_KEYWORDS: list[tuple[str, str]] = [
    ("membership", r"入会|会员|会籍|转会|会员卡|会费|退会|工会关系"),
    (
        "hardship",
        r"困难帮扶|救助|大病|困难职工|帮扶|助学|慰问金|撑不下去|癌症|白血病|尿毒症|透析|"
        r"手术费|瘫痪|交不起|过不下去|生活困难",
    ),
    ("gig", r"骑手|外卖|快递员|网约车|跑腿|闪送|货拉拉|众包|平台.*(罚款|封号|派单|抽成)|封号|算法"),
    (
        "injury",
        r"工伤|工亡|因工|受伤|摔伤|压断|职业病|尘肺|伤残|鉴定|丧葬|抚恤|"
        r"上下班.{0,12}(事故|车祸|撞)",
    ),
    ("wages", r"工资|欠薪|拖欠|讨薪|工钱|薪水|包工头|提成|绩效|克扣|农民工|劳动报酬|奖金"),
    ("hours", r"加班|工时|休假|年假|调休|病假|婚假|休息日|双休|值班|节假日|工作时间|倒班|轮休"),
    (
        "social_insurance",
        r"社保|社会保险|公积金|医保|医疗保险|养老保险|失业保险|生育保险|工伤保险|五险|养老金|缴费",
    ),
    (
        "dismissal",
        r"辞退|开除|解除|解雇|裁员|经济补偿|赔偿金|离职|辞职|不用来了|劝退|终止.{0,4}合同",
    ),
    (
        "contract",
        r"合同|试用期|派遣|竞业|押金|扣押.*证|扣.*身份证|二倍工资|双倍工资|调岗|降薪|"
        r"培训协议|服务期|违约金",
    ),
    (
        "safety",
        r"安全|隐患|防护|高温|中暑|劳保|危险|粉尘|消防|脚手架|噪音|灭火器|漏电|电线|塔吊|"
        r"护栏|有毒|化学品|漏气|通风|降温|防寒|口罩",
    ),
    (
        "women",
        r"怀孕|孕期|产假|哺乳|女职工|性别歧视|残疾|女员工|产检|性骚扰|动手动脚|孕妇|流产|"
        r"喂奶|女工|只招男|只要男|不要女|骚扰|妇科|经期|童工|未成年|不满十六|聋哑|生孩子|二胎",
    ),
    (
        "procedure",
        r"仲裁|起诉|法律援助|律师|调解|诉讼|强制执行|时效|劳动争议|劳动监察|劳动局|人社局|法院",
    ),
    (
        "union_building",
        r"建会|成立工会|集体合同|集体协商|职代会|职工代表|厂务公开|工会主席|工会经费",
    ),
    (
        "services",
        r"驿站|服务站|职工之家|活动|兴趣班|心理咨询|互助保障|疗休养|体检|托管|心理疏导|"
        r"冬令营|夏令营|职工书屋|讲座|电影票|疗养",
    ),
    (
        "employment",
        r"招聘|找工作|求职|培训|创业|贷款|就业|公益性岗位|找活|招工|兼职|岗位推荐|推荐.{0,6}工作|"
        r"考.{0,2}证|学.{0,3}技术",
    ),
    (
        "feedback",
        r"建议|意见|工会工作人员|服务态度|态度很差|打不进|占线|不满意|打不通|没人联系|没人回|"
        r"回复|回电话|答复|不耐烦|踢皮球|转来转去|太慢|表扬|小程序|公众号|工作人员",
    ),
]


class Alternations:
    """Which of several named alternations (``a|b|c``) occur in a text, in one pass.

    The same answer as searching each pattern in turn (a test checks it on every
    training text), faster: the plain-word alternatives, most of them, go into one
    Aho-Corasick automaton that reports every occurrence, overlapping ones included;
    only the alternatives with regex syntax (``扣押.{0,6}证``) are searched as regexes.
    """

    def __init__(self, named: list[tuple[str, str]]):
        self.names = [name for name, _ in named]
        self.automaton = ahocorasick.Automaton()
        words: dict[str, set[str]] = {}
        rest: dict[str, list[str]] = {}
        for name, pattern in named:
            for alternative in top_level_alternatives(pattern):
                if PLAIN_WORD.fullmatch(alternative):
                    words.setdefault(alternative, set()).add(name)
                else:
                    rest.setdefault(name, []).append(alternative)
        for word, names in words.items():
            self.automaton.add_word(word, frozenset(names))
        self.automaton.make_automaton()
        self.regexes = {name: re.compile("|".join(alts)) for name, alts in rest.items()}

    def _by_words(self, text: str) -> set[str]:
        """Return the names whose plain-word alternatives occur in ``text``."""
        names: set[str] = set()
        for _end, hit in self.automaton.iter(text):
            names |= hit
        return names

    def found(self, text: str) -> set[str]:
        names = self._by_words(text)
        for name, pattern in self.regexes.items():
            if name not in names and pattern.search(text):
                names.add(name)
        return names

    def first(self, text: str) -> str | None:
        """Return the first name, in the given order, whose alternation occurs."""
        by_words = self._by_words(text)
        for name in self.names:
            if name in by_words:
                return name
            pattern = self.regexes.get(name)
            if pattern is not None and pattern.search(text):
                return name
        return None


PLAIN_WORD = re.compile(r"\w+")


def top_level_alternatives(pattern: str) -> list[str]:
    """Split a regex at its top-level ``|`` (not inside groups, classes or escapes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


KEYWORDS = Alternations(CATEGORY_KEYWORDS)

# The main problem of a labour dispute when a text names several, most serious first:
# an injury before unpaid wages, wages before hours, hours before insurance, insurance
# before the end of the job, the job before the contract's terms, and the procedure
# (arbitration, the labour bureau) last, as it is the way and not the wrong. These are
# the problems themselves (工资 alone is no wage problem; 拖欠工资 is). The first rule
# that matches gives a feature ``f:<category>``, and the first that matches the text's
# head (up to the first space or full stop: a title, or what a caller says first)
# another, ``h:<category>``; the model weighs both (docs/triage.md).
PROBLEM_RULES: list[tuple[str, str]] = [
    (
        "injury",
        (
            r"工伤|工亡|因工|职业病|尘肺|伤残|上下班.{0,12}(事故|车祸|撞)|"
            r"(干活|工作|上班).{0,8}(受伤|摔伤|砸伤|压断|身亡)"
        ),
    ),
    (
        "wages",
        (
            r"(拖欠|不给|没给|不发|没发|未发|少发|克扣|扣|欠|拿不到|结不到|不结).{0,8}"
            r"(工资|工钱|薪水|报酬|提成|血汗钱)|欠薪|讨薪|包工头|农民工|最低工资|工钱"
        ),
    ),
    ("hours", r"加班|工时|年休假|年假|节假日|调休|病假|婚假|工作时间|休息日|双休|值班|倒班"),
    (
        "social_insurance",
        r"社保|社会保险|养老保险|医疗保险|失业保险|生育保险|五险|公积金|医保|养老金",
    ),
    (
        "dismissal",
        (
            r"辞退|开除|解雇|裁员|(解除|终止).{0,4}(劳动)?(合同|关系)|经济补偿|赔偿金|辞职|离职|自离|"
            r"不用来了|劝退"
        ),
    ),
    (
        "contract",
        r"劳动合同|试用期|二倍工资|双倍工资|竞业|派遣|调岗|降薪|扣押.{0,6}证|押金|培训协议|服务期",
    ),
    ("procedure", r"仲裁|劳动争议|劳动监察|劳动局|人社局|起诉|法律援助"),
]
HEAD = re.compile(r"[^\s。！？!?]+")
HINT_REPEAT = 5  # each hint counts five times: few, and each a strong signal (measured)


PROBLEMS = Alternations(PROBLEM_RULES)


def main_problem(text: str) -> str | None:
    """Return the category of the first problem rule that matches ``text``, if any."""
    return PROBLEMS.first(text)


def hints(text: str) -> list[str]:
    """Return the names of the hint features of ``text`` (each once, in rule order)."""
    keywords = KEYWORDS.found(text)
    found = [f"k:{c}" for c in KEYWORDS.names if c in keywords]
    problem = main_problem(text)
    if problem:
        found.append(f"f:{problem}")
        head = HEAD.search(text)
        problem = main_problem(head.group(0)) if head else None
        if problem:
            found.append(f"h:{problem}")
    return found


KIND_RULES: list[tuple[str, re.Pattern]] = [
    ("complaint", re.compile(r"投诉|举报")),
    ("suggestion", re.compile(r"建议|希望.{0,12}(增加|设立|开展|改|延长|多)|提个意见")),
    ("enquiry", re.compile(r"^(请问|咨询|想问|想咨询|问一下|我想问|您好，?请问)")),
    ("help", re.compile(r"帮帮|帮忙|帮我|求助|救救|请.{0,4}(处理|协调|解决|催)")),
    (
        "enquiry",
        re.compile(
            r"[？?]\s*$|吗\s*[。！]?$|请问|如何|怎么(办|算|处理|赔|计算|申请|补偿)|能不能|"
            r"可不可以|能否|是否|有没有|多少|哪里|哪些|什么"
        ),
    ),
    (
        "complaint",
        re.compile(
            r"态度(很|太)?差|不作为|违法|打击报复|歧视|不给|不发|不让|克扣|扣了|罚款|"
            r"一分(钱)?(都)?没|没有.{0,6}(发|给|签|交)|降(了|薪)|不(跟|和)我签"
        ),
    ),
]

# Urgent: several people affected at once (collective: risk of a mass incident), or
# someone in danger now. Numbers are read as digits or Chinese numerals.
_MANY = r"(几十|数十|上百|好几十|一百多|[二三四五六七八九十两]十多?|[1-9][0-9]+)\s*(个|名|位|多)?\s*(人|工人|农民工|职工|员工|骑手|工友|兄弟)"
URGENT_PATTERNS = [
    re.compile(_MANY + r".{0,20}(欠|拖|没发|没拿到|没结|讨|要不到|不给)"),
    re.compile(r"(欠|拖|没发|没拿到|没结|讨).{0,20}" + _MANY),
    re.compile(r"集体讨薪|群体|堵门|拉横幅|聚集|上访"),
    re.compile(
        r"跳楼|轻生|自杀|不想活|打人|殴打|正在流血|昏迷|抢救|被困|火灾|着火|坍塌|塌了|爆炸|中毒|触电"
    ),
    re.compile(r"(老板|包工头|负责人).{0,6}(跑了|跑路|失联|卷款)"),
]


def kind(text: str) -> str:
    """Return the kind of appeal: the first rule that matches, else ``help``."""
    text = text.strip()
    for code, pattern in KIND_RULES:
        if pattern.search(text):
            return code
    return "help"


def urgency(text: str) -> str:
    return "urgent" if any(p.search(text) for p in URGENT_PATTERNS) else "normal"
