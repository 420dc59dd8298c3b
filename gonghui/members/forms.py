"""Forms of the members pages. They only tidy what the browser sends; ``services``
decides what is valid, so one mistake reads the same on the page and in the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.members.choices import Employment, GigPlatform, JobType, MeetingKind
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org

# Which form field a service refusal is about, to mark it on the page.
FIELD_OF_ERROR = {
    "invalid_name": "name",
    "invalid_id_number": "id_number",
    "too_young": "id_number",
    "already_member": "id_number",
    "application_pending": "id_number",
    "membership_lapsed": "id_number",
    "invalid_uscc": "employer_uscc",
    "employment_required": "employment",
    "invalid_platform": "gig_platform",
    "invalid_job_type": "job_type",
    "job_type_required": "job_type",
    "invalid_street": "street_id",
    "street_required": "street_id",
    "declaration_required": "declaration",
    "privacy_consent_required": "privacy_consent",
}


def street_choices() -> list:
    """Streets grouped by district (the page picks the district first, then the street).

    A name two districts share (八里庄街道 in 朝阳 and 海淀) carries its district in the
    label too, so it reads apart even in one long list (without script)."""
    streets = list(
        Org.objects.filter(kind=OrgKind.STREET)
        .select_related("parent")
        .only("id", "name", "short_name", "parent__name", "parent__short_name", "path")
        .order_by("path")
    )
    seen: dict[str, int] = {}
    for s in streets:
        seen[s.display_name] = seen.get(s.display_name, 0) + 1
    groups: dict[str, list] = {}
    for s in streets:
        district = s.parent.display_name
        label = s.display_name
        if seen[label] > 1:
            label = f"{label}（{district}）"
        groups.setdefault(district, []).append((s.pk, label))
    return [("", _("请选择"))] + [(d, items) for d, items in groups.items()]


class WorkPlaceForm(forms.Form):
    employment = forms.ChoiceField(
        label=_("您的工作"),
        choices=Employment.choices,
        initial=Employment.GIG,
        widget=forms.RadioSelect,
        required=False,
    )
    employer_name = forms.CharField(label=_("单位名称"), required=False, max_length=150)
    employer_uscc = forms.CharField(label=_("统一社会信用代码"), required=False, max_length=40)
    gig_platform = forms.ChoiceField(
        label=_("平台"), required=False, choices=[("", _("请选择")), *GigPlatform.choices]
    )
    job_type = forms.ChoiceField(
        label=_("职业"), required=False, choices=JobType.choices, widget=forms.RadioSelect
    )
    street_id = forms.ChoiceField(label=_("居住街道（乡镇）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street_id"].choices = street_choices()

    def work(self) -> dict:
        data = self.cleaned_data
        gig = data.get("employment") == Employment.GIG
        return {
            "employer_name": "" if gig else data.get("employer_name", ""),
            "employer_uscc": "" if gig else data.get("employer_uscc", ""),
            "gig_platform": data.get("gig_platform", "") if gig else "",
            "job_type": data.get("job_type", "") if gig else "",
            "street_id": data.get("street_id") or None,
        }


class JoinForm(WorkPlaceForm):
    name = forms.CharField(label=_("姓名"), required=False, max_length=80)
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=40)
    declaration = forms.BooleanField(required=False)
    privacy_consent = forms.BooleanField(required=False)
    field_order = ["name", "id_number", "employment"]


class TransferForm(WorkPlaceForm):
    reason = forms.CharField(label=_("转会原因"), required=False, max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)


class ImportForm(forms.Form):
    org = forms.IntegerField(label=_("导入到哪个工会"))
    file = forms.FileField(label=_("Excel 名册（.xlsx）"))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=150)
    org = forms.IntegerField(label=_("组织单位"))
    enterprise_ids = forms.CharField(
        label=_("参加企业（统一社会信用代码，逗号分隔）"), required=False
    )
    attendance = forms.IntegerField(label=_("参加人数"), min_value=0)
    members_recruited = forms.IntegerField(label=_("发展会员数"), min_value=0, initial=0)
    unions_founded = forms.IntegerField(label=_("建会数"), min_value=0, initial=0)
    outcomes = forms.CharField(label=_("成效"), required=False, widget=forms.Textarea)


class FoundingCaseForm(forms.Form):
    enterprise = forms.IntegerField(widget=forms.HiddenInput)
    owner = forms.CharField(label=_("负责人"), max_length=60)
    note = forms.CharField(label=_("情况"), required=False, max_length=300)


class FoundingStepForm(forms.Form):
    owner = forms.CharField(label=_("负责人"), max_length=60)
    done_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("情况"), required=False, max_length=300)
    union_name = forms.CharField(label=_("工会名称（批复时）"), required=False, max_length=120)
