"""Personal data starred out of free text, and what must stay: a table of cases."""

import pytest

from gonghui.core.redact import digits_in, redact, round_point

# (text, the personal part that must be gone, what must still be there)
STARRED = [
    ("电话13812345678找我", "13812345678", "找我"),
    ("打138.1234.5678", "138.1234.5678", "打"),
    ("手机 138-1234-5678。", "138-1234-5678", "。"),
    ("号码 138 1234 5678", "138 1234 5678", "号码"),
    ("+86 138 1234 5678", "138 1234 5678", ""),
    ("tel:13812345678", "13812345678", "tel:"),
    ("Tel 010-6471-2345 转人事", "6471-2345", "转人事"),
    ("座机 6512 3456", "6512 3456", "座机"),
    ("电话：12351", "12351", "电话"),  # a short number after a label
    ("１３８１２３４５６７８", "１３８１２３４５６７８", ""),
    ("手机一三八一二三四五六七八", "一三八一二三四五六七八", "手机"),
    ("幺三八 幺二三四 五六七八", "幺三八 幺二三四 五六七八", ""),
    ("138一二三四5678", "138一二三四5678", ""),
    ("身份证110101199003077578", "110101199003077578", "身份证"),
    ("身份证 110105 19900101 123X 请核实", "110105 19900101 123X", "请核实"),
    ("身份证1101 0519 9001 0112 3x", "1101 0519 9001 0112 3x", ""),
    ("工资卡6222 0212 3456 7890 123", "6222 0212 3456 7890 123", "工资卡"),
    ("卡号6217000010012345678", "6217000010012345678", "卡号"),
    ("加我微信 wxid_abc123 谢谢", "wxid_abc123", "谢谢"),
    ("vx:zhang_san88", "zhang_san88", "vx:"),
    ("WX：Lihua-2026", "Lihua-2026", ""),
    ("微信号是wangxm1990", "wangxm1990", "微信号是"),
    ("邮箱 wang.xm@example.com。", "wang.xm@example.com", "邮箱"),
    ("站点的王师傅不给结算", "王", "师傅不给结算"),
    ("王小明先生说", "王小明", "先生说"),
    ("联系刘经理处理", "刘", "经理处理"),
    ("张女士反映", "张", "女士反映"),
    ("我叫李建国，在工地干活", "李建国", "在工地干活"),
    ("我是赵磊，外卖骑手", "赵磊", "外卖骑手"),
    ("本人陈红，女", "陈红", ""),
    ("姓名：欧阳明", "欧阳明", "姓名："),
]

KEPT = [
    "2026-11-22 14:30 在望京出的事",
    "2026.11.22 下午",
    "2026/11/22",
    "2026年11月22日",
    "从2026年3月起",
    "入职日期20250301",
    "欠薪3000元",
    "共计1200000元没给",
    "一共12,500元",
    "拖欠5万",
    "工单12351-20261122-000001还没人管",
    "3号楼1201室",
    "工号127983",
    "干了三个月",
    "每天工作12小时",
    "顺丰单号SF1234567890",
    "项目经理不给签字",
    "部门经理说下周",
    "我是快递员",
    "我是一名外卖骑手",
    "班主任",
    "总经理",
    "公司老板跑了",
]


@pytest.mark.parametrize(("text", "personal", "rest"), STARRED)
def test_it_stars_personal_data(text, personal, rest):
    out = redact(text)

    assert personal not in out
    assert rest in out
    assert len(out) == len(text)  # starred in place, the rest untouched
    assert "*" * len(personal) in out


@pytest.mark.parametrize("text", KEPT)
def test_it_keeps_dates_amounts_tickets_and_ordinary_words(text):
    assert redact(text) == text


def test_it_stars_the_workers_own_name_anywhere():
    out = redact("张建国反映：张建国的工资没发", names=["张建国", "", "李"])

    assert out == "***反映：***的工资没发"


def test_it_counts_digits_in_every_written_form():
    assert digits_in("1３八幺-〇") == 5
    assert redact("") == "" and redact(None) == ""


def test_it_rounds_a_point_to_about_100_m():
    assert round_point(39.996512, 116.470488) == (39.997, 116.47)
