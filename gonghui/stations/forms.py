"""Console forms for positions, closures and assessments (validated again by services)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.orgs import access as org_access
from gonghui.orgs.choices import OrgKind
from gonghui.stations import hours as hours_mod
from gonghui.stations.choices import Amenity, Criterion, Group, Host, Kind, Status

WEEKDAY_LABELS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
OWNER_KINDS = [OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET]


class PositionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=120)
    owner = forms.ModelChoiceField(label=_("主管工会"), queryset=None)
    host_kind = forms.ChoiceField(label=_("依托单位类型"), choices=Host.choices)
    host_name = forms.CharField(label=_("依托单位"), max_length=150, required=False)
    address = forms.CharField(label=_("地址"), max_length=200)
    lat = forms.FloatField(label=_("纬度"))
    lng = forms.FloatField(label=_("经度"))
    crs = forms.ChoiceField(
        label=_("坐标系"), choices=[("gcj02", "GCJ-02"), ("wgs84", "WGS-84")], initial="gcj02"
    )
    amenities = forms.MultipleChoiceField(
        label=_("服务功能"),
        choices=Amenity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    served_groups = forms.MultipleChoiceField(
        label=_("服务对象"),
        choices=Group.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    closed_on_holidays = forms.BooleanField(label=_("法定节假日闭馆"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("服务电话"), max_length=30, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            org_access.visible_orgs(user)
            .filter(kind__in=OWNER_KINDS)
            .defer("boundary")
            .order_by("path")
        )
        for i, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"day{i}"] = forms.CharField(
                label=label,
                required=False,
                help_text=_("如 08:00-20:00；过夜写 22:00-02:00；全天写 24小时；空着为不开放"),
            )

    def clean(self):
        data = super().clean()
        week = []
        for i in range(7):
            try:
                week.append(hours_mod.day_from_text(data.get(f"day{i}", "")))
            except ValidationError as exc:
                self.add_error(f"day{i}", exc)
        data["hours"] = week
        return data

    def values(self) -> dict:
        d = self.cleaned_data
        keys = (
            "kind",
            "name",
            "owner",
            "host_kind",
            "host_name",
            "address",
            "lat",
            "lng",
            "crs",
            "amenities",
            "served_groups",
            "hours",
            "closed_on_holidays",
            "contact_name",
            "contact_phone",
        )
        return {k: d[k] for k in keys}

    @staticmethod
    def initial_for(position) -> dict:
        initial = {
            f: getattr(position, f)
            for f in (
                "kind",
                "name",
                "host_kind",
                "host_name",
                "address",
                "lat",
                "lng",
                "amenities",
                "served_groups",
                "closed_on_holidays",
                "contact_name",
                "contact_phone",
            )
        }
        initial["owner"] = position.owner_id
        initial["crs"] = "gcj02"
        for i, day in enumerate(position.hours):
            initial[f"day{i}"] = hours_mod.day_to_text(day)
        return initial


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=Status.choices)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ClosureForm(forms.Form):
    start = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("结束日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("原因"), max_length=100, required=False)


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("评定日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(label=_("评定意见"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for c in Criterion:
            self.fields[c.value] = forms.FloatField(
                label=c.label, min_value=0, max_value=100, help_text=_("0–100分")
            )

    def scores(self) -> dict:
        return {c.value: self.cleaned_data[c.value] for c in Criterion}


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("照片（JPG/PNG）"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
