"""Console pages: the surveys of one's subtree with the XLSForm import (the builder reads
the form authors already write in Excel, with three templates to start from), one
survey's results as ECharts charts, and the needs list."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ServiceError
from gonghui.orgs import access as org_access
from gonghui.surveys import builder, results, services, templates_xlsx, xlsform
from gonghui.surveys.access import get_survey_for, visible_needs, visible_surveys
from gonghui.surveys.choices import Audience, SurveyStatus


def _require_staff(request: HttpRequest) -> None:
    if not org_access.scope_paths(request.user):
        raise Http404


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    orgs = list(org_access.visible_orgs(request.user).defer("boundary").order_by("path")[:300])
    errors: list[dict] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            org = org_access.get_org_for(request.user, request.POST.get("org_id"))
        except Http404:
            org = None
        audience = request.POST.get("audience") or Audience.MEMBERS
        if upload is None or org is None or audience not in Audience.values:
            messages.error(request, _("请选择工会并上传 XLSForm 文件。"))
        else:
            try:
                survey, _v = services.import_xlsform(
                    request.user,
                    org,
                    upload.read(xlsform.MAX_BYTES + 1),
                    upload.name,
                    anonymous=request.POST.get("anonymous") == "on",
                    audience=audience,
                    request=request,
                )
            except xlsform.ImportErrors as exc:
                errors = exc.errors
            else:
                messages.success(request, _("问卷已导入。"))
                return redirect("surveys:detail", survey.pk)
    rows = visible_surveys(request.user).select_related("org", "current").defer("org__boundary")
    return render(
        request,
        "surveys/console/index.html",
        {
            "rows": rows[:200],
            "orgs": orgs,
            "errors": errors,
            "audiences": Audience.choices,
            "templates": templates_xlsx.TEMPLATES,
        },
        status=422 if errors else 200,
    )


ROW_FIELDS = ("type", "name", "label", "relevant", "choices", "rows", "scale")
BLANK_ROWS = 5


def _posted_rows(post) -> list[dict]:
    try:
        n = min(int(post.get("n", 0)), builder.MAX_ROWS)
    except ValueError:
        n = 0
    return [
        {f: post.get(f"{f}-{i}", "") for f in ROW_FIELDS} | {"required": f"required-{i}" in post}
        for i in range(n)
    ]


@login_required
def build(request: HttpRequest) -> HttpResponse:
    """The builder: a survey made row by row (sections, every question type, required,
    show-if, choice lists), started blank or from a template; "more rows" keeps what was
    typed. Saving makes a draft survey, opened from its page."""
    _require_staff(request)
    orgs = list(org_access.visible_orgs(request.user).defer("boundary").order_by("path")[:300])
    errors: list[dict] = []
    title, org_id, audience, anonymous = "", None, Audience.MEMBERS, False
    name = request.GET.get("template", "")
    if request.method == "POST":
        rows = _posted_rows(request.POST)
        title = request.POST.get("title", "")
        org_id = request.POST.get("org_id")
        audience = request.POST.get("audience") or Audience.MEMBERS
        anonymous = request.POST.get("anonymous") == "on"
        if request.POST.get("action") == "save":
            try:
                org = org_access.get_org_for(request.user, org_id)
            except Http404:
                org = None
            if org is None or audience not in Audience.values:
                errors = [{"row": 0, "field": "org_id", "message": _("请选择发起工会和作答范围。")}]
            else:
                try:
                    survey, _v = services.create_from_builder(
                        request.user,
                        org,
                        title,
                        rows,
                        anonymous=anonymous,
                        audience=audience,
                        request=request,
                    )
                except builder.BuildErrors as exc:
                    errors = exc.errors
                else:
                    messages.success(request, _("问卷已保存为草稿。"))
                    return redirect("surveys:detail", survey.pk)
    elif name in templates_xlsx.TEMPLATES:
        definition = xlsform.parse_xlsform(templates_xlsx.build(name))
        rows, title = builder.rows_of(definition), definition["title"]
    else:
        rows = []
    if request.method != "POST" or request.POST.get("action") != "save":
        rows += [{"type": "", "required": False}] * BLANK_ROWS
    by_row: dict[int, list[dict]] = {}
    for e in errors:
        by_row.setdefault(e["row"], []).append(e)
    return render(
        request,
        "surveys/console/build.html",
        {
            "rows": [(i, r, by_row.get(i + 1, [])) for i, r in enumerate(rows)],
            "n": len(rows),
            "types": builder.TYPES,
            "title": title,
            "org_id": str(org_id or ""),
            "orgs": orgs,
            "audiences": Audience.choices,
            "audience": audience,
            "anonymous": anonymous,
            "errors": errors,
            "form_errors": by_row.get(0, []),
            "templates": templates_xlsx.TEMPLATES,
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
def template_file(request: HttpRequest, name: str) -> HttpResponse:
    _require_staff(request)
    if name not in templates_xlsx.TEMPLATES:
        raise Http404
    response = HttpResponse(
        templates_xlsx.build(name),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    _require_staff(request)
    survey = get_survey_for(request.user, survey_id)
    link = poster_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("open", "close"):
                services.set_survey_status(request.user, survey.pk, action, request=request)
            elif action == "link" and survey.audience == Audience.PUBLIC:
                dist = services.create_distribution(
                    request.user, survey, request.POST.get("label", ""), request=request
                )
                link = request.build_absolute_uri(
                    f"/h5/surveys/{survey.pk}/?t={services.distribution_token(dist)}"
                )
                poster_url = reverse("surveys:poster", args=[survey.pk, dist.pk])
            elif action == "quota":
                try:
                    cap = int(request.POST.get("cap", ""))
                except ValueError:
                    cap = 0
                services.set_quota(
                    request.user,
                    survey,
                    request.POST.get("question", ""),
                    request.POST.get("value", "").strip(),
                    cap,
                    request=request,
                )
                messages.success(request, _("配额已保存。"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        if link is None:
            return redirect("surveys:detail", survey.pk)
        survey = get_survey_for(request.user, survey_id)
    data = results.results(survey)
    return render(
        request,
        "surveys/console/detail.html",
        {
            "survey": survey,
            "results": data,
            "chart": {"questions": [q for q in data["questions"] if q["type"] != "text"]},
            "texts": [q for q in data["questions"] if q["type"] == "text"],
            "answers": _recent_answers(survey),
            "versions": survey.versions.order_by("number"),
            "quotas": survey.quotas.order_by("question", "value"),
            "quota_questions": [
                q
                for q in (survey.current.definition["questions"] if survey.current else [])
                if q["type"] in ("select_one", "select_multiple", "rating", "integer")
            ],
            "link": link,
            "poster_url": poster_url,
            "is_open": survey.status == SurveyStatus.OPEN,
            "is_public": survey.audience == Audience.PUBLIC,
        },
    )


RECENT_ANSWERS = 20


def _recent_answers(survey) -> list[dict]:
    """The latest answer sheets of an identified survey, each with its needs (an
    anonymous survey's sheets are not listed: they cannot become a need)."""
    if survey.anonymous:
        return []
    from gonghui.surveys.models import Response

    rows = (
        Response.objects.filter(survey=survey)
        .select_related("org", "version")
        .defer("org__boundary")
        .prefetch_related("needs")
        .order_by("-pk")[:RECENT_ANSWERS]
    )
    return [
        {
            "pk": r.pk,
            "at": r.submitted_at,
            "org": r.org.name if r.org else "",
            "summary": answer_summary(r.version.definition, r.answers),
            "needs": list(r.needs.all()),
        }
        for r in rows
    ]


@login_required
@require_GET
def poster(request: HttpRequest, survey_id: int, dist_id: int) -> HttpResponse:
    """The printable poster of one public link (A4 PDF by WeasyPrint), QR code included."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from gonghui.stations.sign import qr_svg
    from gonghui.surveys.models import Distribution

    _require_staff(request)
    survey = get_survey_for(request.user, survey_id)
    dist = Distribution.objects.filter(pk=dist_id, survey=survey, revoked=False).first()
    if dist is None:
        raise Http404
    url = request.build_absolute_uri(
        f"/h5/surveys/{survey.pk}/?t={services.distribution_token(dist)}"
    )
    html = render_to_string(
        "surveys/console/poster.html", {"survey": survey, "url": url, "qr": qr_svg(url)}
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-{dist.pk}.pdf"'
    return response


@login_required
@require_GET
def needs(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    rows = (
        visible_needs(request.user)
        .select_related("org")
        .defer("org__boundary")
        .prefetch_related("notes")[:200]
    )
    return render(
        request, "surveys/console/needs.html", {"rows": [(n, need_loop(n)) for n in rows]}
    )


def need_loop(need) -> list[dict]:
    """The four steps of a need's loop (登记 → 交办 → 答复职工 → 办结), each done or not,
    with when; a reopened need shows its answer step as not done again."""
    from gonghui.surveys.choices import NeedStatus

    notes = list(need.notes.all())
    last = {n.action: n.created_at for n in notes}
    replied = need.status in (NeedStatus.REPLIED, NeedStatus.CONFIRMED, NeedStatus.CLOSED)
    return [
        {"label": _("登记"), "done": True, "at": need.created_at},
        {"label": _("交办"), "done": "assign" in last, "at": last.get("assign")},
        {"label": _("答复职工"), "done": replied, "at": last.get("reply") if replied else None},
        {
            "label": _("职工确认") if need.worker_word != "not_solved" else _("职工认为未解决"),
            "done": bool(need.worker_word == "solved" or need.unreachable_reason),
            "at": last.get("confirm"),
        },
        {"label": _("办结"), "done": need.status == NeedStatus.CLOSED, "at": need.closed_at},
    ]


@login_required
@require_POST
def need_from_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    """One click on an appeal: a need for its handling org, due in 15 days."""
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.appeals.services import access_appeal

    _require_staff(request)
    appeal = access_appeal(request.user, appeal_id)
    org = appeal.assigned_org or appeal.dispatcher_org
    try:
        services.create_need(
            request.user,
            org,
            title=appeal.text[:60],
            detail=appeal.text,
            due=timezone.localdate() + timedelta(days=15),
            appeal=appeal,
            request=request,
        )
        messages.success(request, _("已转入需求清单。"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("surveys:needs")


@login_required
@require_POST
def need_from_answer(request: HttpRequest, response_id: int) -> HttpResponse:
    """One click on an answer sheet: a need for the respondent's union (or the survey's
    when the union is out of scope), due in 15 days, linked to the sheet."""
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.surveys.models import Response

    _require_staff(request)
    response = (
        Response.objects.select_related("survey", "survey__org", "org", "version")
        .defer("survey__org__boundary", "org__boundary")
        .filter(pk=response_id, survey__in=visible_surveys(request.user))
        .first()
    )
    if response is None:
        raise Http404
    org = response.org if response.org and org_access.can_see(request.user, response.org) else None
    summary = answer_summary(response.version.definition, response.answers)
    try:
        need = services.create_need(
            request.user,
            org or response.survey.org,
            title=(_("问卷反映：%(t)s") % {"t": summary or response.survey.title})[:200],
            detail=summary,
            due=timezone.localdate() + timedelta(days=15),
            response=response,
            request=request,
        )
        messages.success(request, _("已转入需求清单。"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("surveys:detail", response.survey_id)
    return redirect(reverse("surveys:needs") + f"#need-{need.pk}")


def answer_summary(definition: dict, answers: dict) -> str:
    """The answers as one line, labels and chosen options in words (text answers first)."""
    labels = {q["name"]: q for q in definition["questions"]}
    parts = []
    for name, value in sorted(
        answers.items(), key=lambda kv: labels.get(kv[0], {}).get("type") != "text"
    ):
        q = labels.get(name)
        if q is None or q["type"] == "calculate":
            continue
        options = {c["name"]: c["label"] for c in definition["choices"].get(q.get("list", ""), [])}
        if isinstance(value, dict):
            rows = {r["name"]: r["label"] for r in q.get("rows", [])}
            shown = "，".join(f"{rows.get(k, k)}{options.get(v, v)}" for k, v in value.items())
        elif isinstance(value, list):
            shown = "、".join(options.get(v, v) for v in value)
        else:
            shown = options.get(value, str(value)) if isinstance(value, str) else str(value)
        parts.append(f"{q.get('label') or name}：{shown}")
    return "；".join(parts)[:1000]


def chart_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
