"""Forms of the appeal console pages: intake, each action, callbacks and the period.

Forms only shape what was typed; ``services`` decides what is valid, so a service
error is shown next to the field it concerns and nothing is stored.
"""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.appeals.choices import Category, Kind, Satisfaction, Urgency
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org

AUTO = [("", _("自动判断"))]

# Which intake field a service validation code belongs to (anything else shows on top).
INTAKE_ERROR_FIELDS = {
    "invalid_text": "text",
    "invalid_phone": "phone",
    "invalid_kind": "kind",
    "invalid_category": "category",
    "invalid_urgency": "urgency",
    "invalid_uscc": "employer_uscc",
}


class IntakeForm(forms.Form):
    """One hotline call: the fields in the order an operator asks for them."""

    phone = forms.CharField(
        label=_("来电号码"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "off", "size": 14}
        ),
    )
    text = forms.CharField(
        label=_("诉求内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("记录职工反映的问题和诉求")}),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=AUTO + Kind.choices, required=False)
    category = forms.ChoiceField(label=_("分类"), choices=AUTO + Category.choices, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=AUTO + Urgency.choices, required=False)
    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    anonymous = forms.BooleanField(label=_("匿名"), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    employer_name = forms.CharField(label=_("用人单位名称"), max_length=150, required=False)
    employer_uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)


class DispatchForm(forms.Form):
    # A grouped select that static/js/appeals_forms.js gives a type-ahead filter.
    org_id = forms.TypedChoiceField(
        label=_("承办单位"),
        coerce=int,
        widget=forms.Select(attrs={"data-typeahead": "", "data-testid": "dispatch-org"}),
    )
    note = forms.CharField(label=_("派单说明"), max_length=500, required=False)

    def __init__(self, *args, orgs: list[Org] = (), suggested: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_id"].choices = dispatch_choices(orgs, suggested=suggested)
        self.fields["org_id"].widget.attrs["data-typeahead-placeholder"] = _(
            "输入街道或区的名称筛选"
        )


def dispatch_choices(orgs: list[Org], *, suggested: int | None = None) -> list:
    """Group the targets by district (the district federation first, then its streets),
    so the two 八里庄街道 are told apart; the triage suggestion is marked."""
    groups: dict[int, tuple[str, list]] = {}
    for org in orgs:
        district = org if org.kind == OrgKind.DISTRICT else org.parent
        if district is None:
            continue
        _label, options = groups.setdefault(district.pk, (district.display_name, []))
        text = org.name  # a district's own name says 总工会 already
        if org.pk == suggested:
            text = str(_("%(name)s（智能建议）") % {"name": text})
        options.append((org.pk, text, org is district))
    ordered = []
    for label, options in groups.values():
        options.sort(key=lambda o: not o[2])  # the district itself first
        ordered.append((label, [(pk, text) for pk, text, _d in options]))
    return [("", _("请选择承办单位"))] + ordered


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("情况记录"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("答复职工"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("延期理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class EmptyForm(forms.Form):
    pass


class RecategoriseForm(forms.Form):
    category = forms.ChoiceField(label=_("正确的分类"), choices=Category.choices)


class MergeForm(forms.Form):
    ticket_no = forms.CharField(
        label=_("并入的主工单号"),
        max_length=22,
        widget=forms.TextInput(attrs={"placeholder": "12351-YYYYMMDD-000001"}),
    )


class CallbackForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("职工意见"), max_length=500, required=False)


# action -> (form class, button label); the order is the order on the page.
ACTION_FORMS = {
    "answer_directly": (AnswerForm, _("直接答复")),
    "dispatch": (DispatchForm, _("派单")),
    "recategorise": (RecategoriseForm, _("更正分类")),
    "accept": (EmptyForm, _("签收")),
    "return": (ReasonForm, _("退回")),
    "contact": (NoteForm, _("已联系职工")),
    "resolve": (ReplyForm, _("办结")),
    "extend": (ExtendForm, _("申请延期")),
    "extension/approve": (EmptyForm, _("批准延期")),
    "extension/reject": (ReasonForm, _("驳回延期")),
    "supervise": (NoteForm, _("督办")),
    "merge": (MergeForm, _("合并")),
}


# Reply templates (答复模板) per category; the handler picks one and edits it.
GENERIC_REPLIES = [
    _(
        "您好，您反映的问题我们已核实。经与用人单位沟通，单位已同意按规定处理，"
        "如仍有问题请拨打12351。"
    ),
    _(
        "您好，经核实，您反映的情况属于劳动争议，建议向劳动人事争议仲裁委员会申请仲裁，工会可提供法律援助。"
    ),
]
REPLY_TEMPLATES: dict[str, list] = {
    Category.WAGES: [
        _("您好，经协调，用人单位承诺于____前足额支付拖欠的工资____元，工会将跟踪落实。"),
        _("您好，用人单位暂未支付工资，我们已协助您向劳动保障监察部门投诉，并将提供法律援助。"),
    ],
    Category.HOURS: [
        _("您好，经与用人单位沟通，单位已按规定安排调休或支付加班费，今后加班将依法协商。"),
    ],
    Category.SOCIAL_INSURANCE: [
        _("您好，经核实，用人单位已为您补缴社会保险，您可通过社保查询渠道核对缴费记录。"),
    ],
    Category.INJURY: [
        _("您好，我们已指导您申请工伤认定，所需材料为____，申请时限为事故发生之日起一年内。"),
    ],
    Category.DISMISSAL: [
        _("您好，经协调，用人单位同意依法支付经济补偿____元，双方已签订协议。"),
    ],
    Category.CONTRACT: [
        _("您好，经与用人单位沟通，单位已与您补签书面劳动合同。"),
    ],
    Category.MEMBERSHIP: [
        _("您好，已为您办理入会手续，会员卡将在____个工作日内发放，请留意短信通知。"),
    ],
    Category.HARDSHIP: [
        _("您好，已受理您的困难帮扶申请，经审核符合条件，帮扶款将于____发放。"),
    ],
    Category.GIG: [
        _("您好，经与平台企业沟通，平台已撤销对您的处罚并恢复账号。"),
    ],
}


def reply_templates(category: str) -> list[str]:
    return [str(t) for t in REPLY_TEMPLATES.get(category, []) + GENERIC_REPLIES]


# --- the dashboard period ------------------------------------------------------------------

MAX_PERIOD = timedelta(days=366 * 3)


# The default period: the last 90 days up to today (this month so far is nearly empty
# in its first days, and a quarter holds enough evaluations to rank streets).
DEFAULT_PERIOD = timedelta(days=89)


class PeriodForm(forms.Form):
    from_ = forms.DateField(label=_("开始日期"), required=False)
    to = forms.DateField(label=_("结束日期"), required=False)

    def __init__(self, data=None, **kwargs):
        # "from" is a Python keyword: the query string uses it, the form field cannot.
        if data is not None:
            data = {"from_": data.get("from", ""), "to": data.get("to", "")}
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        end = cleaned.get("to") or today
        start = cleaned.get("from_") or end - DEFAULT_PERIOD
        if end < start:
            raise ValidationError(_("结束日期不能早于开始日期。"), code="invalid_period")
        if end - start > MAX_PERIOD:
            raise ValidationError(_("统计区间最长三年。"), code="invalid_period")
        cleaned["from_"], cleaned["to"] = start, end
        return cleaned

    def period(self) -> tuple[date, date]:
        """Return the valid period, or the last 90 days when the input is not valid."""
        if self.is_valid():
            return self.cleaned_data["from_"], self.cleaned_data["to"]
        today = timezone.localdate()
        return today - DEFAULT_PERIOD, today
