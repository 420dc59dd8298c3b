"""Console pages of the knowledge base: search, and the curated answers staff keep."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.knowledge import search, services
from gonghui.knowledge.access import get_answer_for
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind


def _require_staff(request: HttpRequest) -> None:
    if not access.scope_paths(request.user):
        raise Http404


class AnswerForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("问题"), max_length=300)
    answer = forms.CharField(
        label=gettext_lazy("答复"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    articles = forms.CharField(
        label=gettext_lazy("引用法条"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("每条一行，格式“文件名:条号”，例如 labour_contract_law:30"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner_org = forms.TypedChoiceField(label=gettext_lazy("维护单位"), coerce=int)
    review_by = forms.DateField(
        label=gettext_lazy("复核日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].choices = [(o.pk, o.name) for o in orgs]


def _owner_orgs(request: HttpRequest):
    return list(
        access.visible_orgs(request.user)
        .filter(kind__in=[OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET])
        .defer("boundary")
        .order_by("path")[:500]
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Search the laws, cases and answers; list the answers this user's orgs keep."""
    _require_staff(request)
    q = request.GET.get("q", "").strip()[:500]
    hits = search.search(q, limit=10) if q else []
    answers = (
        services.visible_answers(request.user)
        .select_related("owner_org")
        .defer("owner_org__boundary")
    )
    today = timezone.localdate()
    return render(
        request,
        "knowledge/console/index.html",
        {"q": q, "hits": hits, "answers": answers[:100], "today": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_edit(request: HttpRequest, answer_id: int | None = None) -> HttpResponse:
    _require_staff(request)
    instance = None
    if answer_id is not None:
        instance = get_answer_for(request.user, answer_id, write=True)
    orgs = _owner_orgs(request)
    if request.method == "POST":
        form = AnswerForm(request.POST, orgs=orgs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                refs = services.parse_refs(data["articles"])
                services.save_answer(
                    actor=request.user,
                    question=data["question"],
                    answer=data["answer"],
                    owner_org=access.get_org_for(request.user, data["owner_org"]),
                    review_by=data["review_by"],
                    articles=refs,
                    active=data["active"],
                    instance=instance,
                    request=request,
                )
            except ValidationError as exc:
                form.add_error("articles" if exc.code == "invalid_article" else None, exc)
            else:
                messages.success(request, _("政策问答已保存。"))
                return redirect("knowledge:index")
    elif instance is not None:
        form = AnswerForm(
            initial={
                "question": instance.question,
                "answer": instance.answer,
                "articles": "\n".join(
                    f"{a.document.stem}:{a.number}"
                    for a in instance.articles.select_related("document")
                ),
                "owner_org": instance.owner_org_id,
                "review_by": instance.review_by,
                "active": instance.active,
            },
            orgs=orgs,
        )
    else:
        form = AnswerForm(
            initial={"review_by": timezone.localdate().replace(year=timezone.localdate().year + 1)},
            orgs=orgs,
        )
    return render(
        request,
        "knowledge/console/answer_form.html",
        {"form": form, "instance": instance},
        status=400 if request.method == "POST" else 200,
    )
