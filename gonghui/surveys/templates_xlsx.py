"""The three starting forms of the builder, as XLSForm workbooks a union edits in Excel
and imports back: a needs survey, satisfaction with a service, a screening form."""

from django.utils.translation import gettext_lazy as _

from gonghui.surveys.testing import FULL_FORM_CHOICES, FULL_FORM_ROWS, make_xlsx

SATISFACTION_ROWS = [
    ["select_one sat", "overall", "您对驿站服务的总体评价", "", "", "", "yes", "", ""],
    ["select_one sat", "clean", "卫生状况", "", "", "", "yes", "", ""],
    ["select_one sat", "hours", "开放时间", "", "", "", "yes", "", ""],
    [
        "text",
        "why",
        "请说说不满意的原因",
        "${overall} = 'bad' or ${overall} = 'poor'",
        "",
        "",
        "",
        "",
        "",
    ],
]
SATISFACTION_CHOICES = [
    ["sat", "great", "非常满意", ""],
    ["sat", "good", "满意", ""],
    ["sat", "ok", "一般", ""],
    ["sat", "poor", "不满意", ""],
    ["sat", "bad", "非常不满意", ""],
]
SCREENING_ROWS = [
    ["select_one yn", "contract", "是否签订劳动合同", "", "", "", "yes", "", ""],
    ["select_one yn", "unpaid", "近三个月是否有被拖欠工资", "", "", "", "yes", "", ""],
    [
        "integer",
        "months",
        "被拖欠几个月",
        "${unpaid} = 'yes'",
        ". >= 1 and . <= 36",
        "请填1到36之间的月数",
        "yes",
        "",
        "",
    ],
    ["select_one yn", "injury", "是否发生过工伤", "", "", "", "yes", "", ""],
    [
        "calculate",
        "risk",
        "",
        "",
        "",
        "",
        "",
        "",
        "if(${unpaid} = 'yes' or ${contract} = 'no', 'high', 'low')",
    ],
]
SCREENING_CHOICES = [["yn", "yes", "是", ""], ["yn", "no", "否", ""]]

TEMPLATES = {
    "needs": (_("职工需求调查"), FULL_FORM_ROWS, FULL_FORM_CHOICES),
    "satisfaction": (_("服务满意度"), SATISFACTION_ROWS, SATISFACTION_CHOICES),
    "screening": (_("权益风险筛查"), SCREENING_ROWS, SCREENING_CHOICES),
}


def build(name: str) -> bytes:
    title, rows, choices = TEMPLATES[name]
    return make_xlsx(rows, choices, settings={"form_title": str(title), "form_id": name})
