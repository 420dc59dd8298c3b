"""Forms of the worker H5 pages: filing an appeal, tracking it and rating the reply.

The forms only tidy what the browser sends; ``appeals.services`` decides what is valid,
so a worker sees one message for one mistake whichever page or API they use.
"""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.appeals.choices import Category, Kind, Satisfaction
from gonghui.appeals.services import Intake
from gonghui.core.inputs import half_width

UNSURE = ""


class AppealForm(forms.Form):
    """What a worker types on "我要反映问题"; files come from ``request.FILES`` separately."""

    # Every field the page keeps when a submission is refused (files cannot be kept).
    KEPT_FIELDS = (
        "text",
        "kind",
        "category",
        "address",
        "lat",
        "lng",
        "crs",
        "employer_name",
        "employer_uscc",
        "name",
        "anonymous",
        "form_token",
    )

    # No length limits here: the service checks 10-4,000 characters and says so in one
    # message, and the page must never cut off what the worker wrote.
    text = forms.CharField(label=_("遇到了什么问题"), required=False, widget=forms.Textarea)
    kind = forms.ChoiceField(
        label=_("您想要"),
        required=False,
        choices=[*Kind.choices, (UNSURE, _("不确定"))],
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("问题分类"),
        required=False,
        choices=[(UNSURE, _("不清楚，请工作人员判断")), *Category.choices],
    )
    address = forms.CharField(label=_("在哪里"), required=False, max_length=200)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    crs = forms.CharField(required=False, widget=forms.HiddenInput)
    employer_name = forms.CharField(label=_("单位名称"), required=False, max_length=150)
    employer_uscc = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=40)
    name = forms.CharField(label=_("怎么称呼您"), required=False, max_length=40)
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_form_token(self) -> str:
        """Return the token the page was rendered with, or a fresh one if it was mangled."""
        try:
            return uuid.UUID(self.cleaned_data["form_token"]).hex
        except ValueError:
            return new_form_token()

    def intake(self, *, phone: str) -> Intake:
        data = self.cleaned_data
        has_point = data["lat"] is not None and data["lng"] is not None
        return Intake(
            text=data["text"],
            phone=phone,
            channel="h5",
            kind=data["kind"] or None,
            category=data["category"] or None,
            name=data["name"],
            anonymous=data["anonymous"],
            address=data["address"],
            lat=data["lat"] if has_point else None,
            lng=data["lng"] if has_point else None,
            # navigator.geolocation always answers in WGS-84.
            crs="wgs84",
            employer_name=data["employer_name"],
            employer_uscc=data["employer_uscc"],
        )


def new_form_token() -> str:
    """Return the token that makes a double-tapped submit file one appeal, not two."""
    return uuid.uuid4().hex


class TrackForm(forms.Form):
    ticket_no = forms.CharField(
        label=_("工单号"),
        max_length=30,
        error_messages={"required": _("请填写工单号。")},
    )
    phone_last4 = forms.RegexField(
        label=_("手机号后4位"),
        regex=r"^[0-9０-９]{4}$",
        error_messages={
            "required": _("请填写手机号的后4位数字。"),
            "invalid": _("请填写手机号的后4位数字。"),
        },
    )

    def clean_phone_last4(self) -> str:
        """Full-width digits from a Chinese keyboard count as digits."""
        return half_width(self.cleaned_data["phone_last4"])


class EvaluateForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("问题解决了吗？"),
        choices=[("yes", _("解决了")), ("no", _("没有解决"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择问题是否解决。")},
    )
    satisfaction = forms.ChoiceField(
        label=_("您对办理结果满意吗？"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=_("还想说点什么"), required=False, max_length=500, widget=forms.Textarea
    )


def first_error(form: forms.Form) -> str:
    """Return the first message of a form, for the alert at the top of a page."""
    for errors in form.errors.values():
        return str(errors[0])
    return ""
