"""Star personal data out of free text before it is published (the public Open311 feed).

What a worker writes is full of ways to give a number: ``138.1234.5678``,
``tel:13812345678``, full-width ``１３８…``, read out as ``一三八一二三四五六七八``, an ID
number in groups, a bank card, a WeChat id, an e-mail address, a name before 师傅 or
after 我叫. ``redact`` replaces each with ``*`` of the same length and leaves the rest:
dates, times, amounts (3000元), ticket numbers and short numbers (3号楼, 工号1279).

The rules, in the order they are tried at each position:

1. **Kept as they are**: ticket numbers (``12351-20261122-000001``), dates and times
   written with separators (``2026-11-22``, ``2026.11.22 14:30``, ``2026年11月``), a bare
   ``YYYYMMDD`` date, and sums of money (``3000元``, ``1200000元``, ``5万``).
2. **Contact labels** (电话, 手机, tel, phone, 座机, QQ, 联系方式…): the number after
   them is starred from 5 digits on.
3. **WeChat ids** after 微信/weixin/wechat/vx/wx/v信: the id (6–20 letters, digits,
   ``-`` and ``_``).
4. **E-mail addresses**.
5. **Digit runs**: digits (ASCII, full-width, or Chinese 〇零一二…九 and 幺) with single
   separators between them (space, ``-``, ``.``, ``·``, full-width forms), optionally
   ``+86`` before and an ``X`` after 17 digits: 7 or more digits are starred. This
   catches mobiles and landlines however they are written, ID numbers (spaced or
   not) and bank cards (16–19 digits).
6. **Names**: a common surname and up to two more characters before a title
   (师傅, 先生, 女士, 经理, 老板…), or after 我叫 / 我是 / 本人 / 我的名字是, and any
   two to four characters after 姓名：. A surname list keeps 项目经理 and 我是快递员
   as they are. Names of the worker passed in ``names`` are starred anywhere.
"""

import re
from collections.abc import Iterable

# Digits as a worker may type them: ASCII, full-width, Chinese numerals (幺 = 1 on the phone).
DIGIT = "0-9\uff10-\uff19〇零一二三四五六七八九幺"
DIGIT_VALUE = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **dict(zip("〇零一二三四五六七八九", "00123456789", strict=True)),
    "幺": "1",
}
SEPARATOR = r"[ \u3000\-.·\uff0d\uff0e]"
RUN = rf"(?:\+?86{SEPARATOR}?)?[{DIGIT}](?:{SEPARATOR}?[{DIGIT}])*(?:{SEPARATOR}?[Xx])?"
MIN_DIGITS = 7  # a landline without area code has 7 or 8; nothing shorter is a contact
MIN_DIGITS_AFTER_LABEL = 5  # "电话 12345" is an extension or a short number, still theirs

# The most common surnames (about 85% of people); rarer ones such as 项 or 区 would make
# 项目经理 or 区域经理 look like names.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤"
)
TITLES = (
    "师傅|先生|女士|小姐|经理|老板|老总|总监|主管|主任|组长|队长|站长|班长|律师|老师"
    "|阿姨|大姐|大哥|大爷|同志|师父"
)
HAN = r"\u4e00-\u9fff"

_MONTH = r"(?:1[0-2]|0?[1-9])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_KEEP = (
    r"12351-\d{8}-\d{6}"  # our ticket numbers
    # Dates with separators (2026-11-22, 2026.11.22, 2026年11月22日, 2026-11) and a time.
    rf"|(?:19|20)\d{{2}}\s*[-./年]\s*{_MONTH}(?!\d)\s*(?:[-./月]\s*{_DAY}(?!\d)\s*日?|月)?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
    r"|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"  # a time alone
    rf"|(?<!\d)(?:19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"  # YYYYMMDD
    # Money: the only numbers of 7 digits or more that a worker writes with a unit.
    r"|\d[\d,，.]*(?:万元|万|元|块|圆)"
)
_LABEL = (
    r"(?:电话|手机号码|手机号|手机|座机|固话|号码|联系方式|联系电话|tel|phone|mobile|QQ|qq)"
    r"\s*(?:号|是|为)?\s*[:：]?\s*"
)
_WECHAT = r"(?:微信号?|weixin|wechat|v信|vx|VX|wx|WX|Vx|Wx)\s*(?:号|是|为)?\s*[:：]?\s*"
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"

PATTERN = re.compile(
    rf"(?P<keep>{_KEEP})"
    rf"|(?P<label>{_LABEL})(?P<labelled>{RUN})"
    rf"|(?P<wechat>{_WECHAT})(?P<wechat_id>[A-Za-z][-_A-Za-z0-9]{{5,19}})(?![-_A-Za-z0-9])"
    rf"|(?P<email>{_EMAIL})"
    rf"|(?<![0-9A-Za-z])(?P<run>{RUN})(?![0-9A-Za-z])"
    rf"|(?P<titled>[{SURNAMES}][{HAN}]{{0,2}}?)(?={TITLES})"
    rf"|(?P<intro>我叫|我是|本人|我的名字是|我的名字叫)(?P<introduced>[{SURNAMES}][{HAN}]{{1,2}})"
    rf"|(?P<name_label>姓名\s*[:：]\s*)(?P<named>[{HAN}]{{2,4}})",
    re.IGNORECASE,
)


def digits_in(text: str) -> int:
    """Return how many digits (in any of the written forms) ``text`` holds."""
    return sum(1 for ch in text if ch.isdigit() or ch in DIGIT_VALUE)


def _stars(text: str) -> str:
    return "*" * len(text)


def _replace(m: re.Match) -> str:
    if m.group("keep") is not None:
        return m.group("keep")
    if m.group("labelled") is not None:
        number = m.group("labelled")
        if digits_in(number) >= MIN_DIGITS_AFTER_LABEL:
            return m.group("label") + _stars(number)
        return m.group(0)
    if m.group("wechat_id") is not None:
        return m.group("wechat") + _stars(m.group("wechat_id"))
    if m.group("email") is not None:
        return _stars(m.group("email"))
    if m.group("run") is not None:
        run = m.group("run")
        return _stars(run) if digits_in(run) >= MIN_DIGITS else run
    if m.group("titled") is not None:
        return _stars(m.group("titled"))
    if m.group("introduced") is not None:
        return m.group("intro") + _stars(m.group("introduced"))
    return m.group("name_label") + _stars(m.group("named"))


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """Return ``text`` with phone, ID and card numbers, WeChat ids, e-mail and names starred."""
    text = PATTERN.sub(_replace, text or "")
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = text.replace(name, _stars(name))
    return text


def round_point(lat: float, lng: float) -> tuple[float, float]:
    """Round a point to 3 decimals: about 110 m north–south, 85 m east–west in Beijing."""
    return round(lat, 3), round(lng, 3)
