"""Staff console pages for organising: enterprises without a union, founding cases,
meetings, and drive plans with their progress reports (split from ``views.py``; the URLs
and their names are unchanged, ``members/urls.py``).

Every record comes through a scoped queryset (outside the user's scope is a 404) and
every change goes through ``organising`` or ``drives``; a refusal is shown as a message.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.errors import error_message as _error
from gonghui.members import drives, organising, services, workflow
from gonghui.members.choices import FoundingStep, MeetingKind
from gonghui.members.forms import FoundingStepForm, MeetingForm
from gonghui.members.models import (
    DrivePlan,
    DriveTask,
    FoundingCase,
    Meeting,
)
from gonghui.members.views import PAGE_SIZE, _attempt, _ctx, _get
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise

# --- organising ----------------------------------------------------------------------------------


@login_required
def organising_page(request: HttpRequest) -> HttpResponse:
    """Enterprises without a union, per street with size and industry; the founding cases."""
    streets = (
        access.visible_orgs(request.user)
        .filter(kind=OrgKind.STREET)
        .defer("boundary")
        .order_by("path")
    )
    street_id = request.GET.get("street", "")
    ents = organising.unorganised_enterprises(request.user)
    if street_id.isdigit():
        ents = ents.filter(street_id=int(street_id))
    page = Paginator(ents.order_by("-size_band", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    open_cases = set(
        FoundingCase.objects.exclude(step__in=[FoundingStep.APPROVED, FoundingStep.ABANDONED])
        .filter(enterprise_id__in=[e.pk for e in page])
        .values_list("enterprise_id", flat=True)
    )
    per_street = (
        organising.unorganised_enterprises(request.user)
        .values("street__id", "street__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:30]
    )
    cases = (
        access.scoped(FoundingCase.objects.all(), request.user, "org__path")
        .select_related("enterprise", "org", "union")
        .defer("org__boundary", "union__boundary")
        .order_by("-opened_on", "-id")[:100]
    )
    return render(
        request,
        "members/console/organising.html",
        _ctx(
            "organising",
            streets=streets,
            street_id=street_id,
            page=page,
            per_street=per_street,
            cases=cases,
            open_cases=open_cases,
        ),
    )


@login_required
@require_POST
def founding_open(request: HttpRequest) -> HttpResponse:
    enterprise = _get(
        access.scoped(
            Enterprise.objects.select_related("street").defer("street__boundary"),
            request.user,
            "street__path",
        ),
        request.POST.get("enterprise"),
    )
    ok = _attempt(
        request,
        lambda: organising.open_case(
            enterprise,
            owner=request.POST.get("owner", "")
            or request.user.get_full_name()
            or request.user.get_username(),
            actor=request.user,
            note=request.POST.get("note", ""),
        ),
        _("已立案，第一步：联系企业。"),
    )
    if ok:
        case = FoundingCase.objects.filter(enterprise=enterprise).order_by("-id").first()
        return redirect("members:founding", case_id=case.pk)
    return redirect("members:organising")


NEXT_ACTION = {
    FoundingStep.CONTACT: "prepare",
    FoundingStep.PREPARATION: "elect",
    FoundingStep.ELECTION: "submit",
    FoundingStep.APPROVAL: "approve",
}


@login_required
def founding(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get(
        access.scoped(FoundingCase.objects.all(), request.user, "org__path")
        .select_related("enterprise", "org", "union")
        .defer("org__boundary", "union__boundary"),
        case_id,
    )
    form = FoundingStepForm(request.POST or None, initial={"done_on": services.today()})
    next_action = NEXT_ACTION.get(case.step)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if form.is_valid():
            _attempt(
                request,
                lambda: organising.advance(
                    case,
                    action,
                    actor=request.user,
                    owner=form.cleaned_data["owner"],
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                    union_name=form.cleaned_data["union_name"],
                ),
                str(workflow.FOUNDING[action].label) if action in workflow.FOUNDING else "",
            )
            return redirect("members:founding", case_id=case.pk)
        messages.error(request, _("请填写负责人和日期。"))
    return render(
        request,
        "members/console/founding.html",
        _ctx(
            "organising",
            case=case,
            steps=case.steps.all(),
            form=form,
            next_action=next_action,
            next_label=workflow.FOUNDING[next_action].label if next_action else "",
        ),
    )


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    visible = access.scoped(Meeting.objects.all(), request.user, "org__path")
    form = MeetingForm(request.POST or None, initial={"held_on": services.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = access.get_org_for(request.user, data["org"])
            codes = [
                c.strip().upper()
                for c in data["enterprise_ids"].replace("，", ",").split(",")
                if c.strip()
            ]
            ents = list(
                access.scoped(
                    Enterprise.objects.filter(uscc__in=codes), request.user, "street__path"
                )
            )
            if len(ents) != len(set(codes)):
                raise ValidationError(
                    _("有的统一社会信用代码不在您辖区的企业中，请核对。"), code="unknown_enterprise"
                )
            organising.record_meeting(
                kind=data["kind"],
                held_on=data["held_on"],
                place=data["place"],
                org=org,
                enterprises=ents,
                attendance=data["attendance"],
                members_recruited=data["members_recruited"] or 0,
                unions_founded=data["unions_founded"] or 0,
                outcomes=data["outcomes"],
                actor=request.user,
            )
        except Http404:
            messages.error(request, _("请选择您负责的组织单位。"))
        except (ServiceError, ValidationError) as exc:
            messages.error(request, _error(exc))
        else:
            messages.success(request, _("沟通会已登记。"))
            return redirect("members:meetings")
    page = Paginator(
        visible.select_related("org")
        .defer("org__boundary")
        .annotate(n_ent=Count("enterprises"))
        .order_by("-held_on", "-id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    totals = visible.aggregate(
        worker=Count("pk", filter=Q(kind=MeetingKind.WORKER)),
        enterprise=Count("pk", filter=Q(kind=MeetingKind.ENTERPRISE)),
    )
    orgs = (
        access.visible_orgs(request.user)
        .exclude(kind=OrgKind.GRASSROOTS)
        .defer("boundary")
        .order_by("path")[:400]
    )
    return render(
        request,
        "members/console/meetings.html",
        _ctx("meetings", page=page, form=form, totals=totals, orgs=orgs),
    )


# --- drive plans and statistics -------------------------------------------------------------


@login_required
def drive_plans(request: HttpRequest) -> HttpResponse:
    plans = access.scoped(
        DrivePlan.objects.select_related("org").defer("org__boundary"), request.user, "org__path"
    )
    chart, rows = [], []
    for plan in plans.order_by("-starts_on", "org__path")[:20]:
        progress = drives.progress(plan)
        rows.append({"plan": plan, "progress": progress})
        chart.append(
            {
                "plan": plan.title,
                "tasks": [
                    {
                        "name": f"{p.task.number}. {p.task.title}",
                        "percent": p.percent,
                        "value": p.value,
                        "target": p.task.target,
                    }
                    for p in progress
                ],
            }
        )
    for row in rows:
        row["can_edit"] = drives.can_plan(request.user, row["plan"].org)
    can_create = drives.planning_orgs(request.user).exists()
    return render(
        request,
        "members/console/drives.html",
        _ctx("drives", rows=rows, chart=chart, can_create=can_create),
    )


BLANK_TASK_ROWS = 3


def _int_or_none(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _posted_tasks(post) -> list[drives.TaskInput]:
    """The task rows of the plan form; a blank new row or a row marked 删除 is left out."""
    tasks = []
    for i in range(min(_int_or_none(post.get("rows")) or 0, 200)):
        f = {k: post.get(f"task-{i}-{k}", "") for k in ("id", "number", "title", "target", "owner")}
        if post.get(f"task-{i}-delete"):
            continue
        if not f["id"] and not any(f[k].strip() for k in ("number", "title", "target", "owner")):
            continue
        tasks.append(
            drives.TaskInput(
                id=_int_or_none(f["id"]),
                number=_int_or_none(f["number"]),
                title=f["title"],
                metric=post.get(f"task-{i}-metric", ""),
                target=_int_or_none(f["target"]),
                owner=f["owner"],
            )
        )
    return tasks


def _date_or_none(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _drive_plan_form(request: HttpRequest, plan: DrivePlan | None) -> HttpResponse:
    orgs = drives.planning_orgs(request.user).order_by("path")
    if not orgs.exists():
        raise PermissionDenied
    if request.method == "POST":
        post = request.POST
        values = {
            "title": post.get("title", ""),
            "starts_on": post.get("starts_on", ""),
            "ends_on": post.get("ends_on", ""),
            "org": _int_or_none(post.get("org")),
        }
        tasks = _posted_tasks(post)
        try:
            org = access.get_org_for(request.user, values["org"])
            saved = drives.save_drive_plan(
                actor=request.user,
                org=org,
                title=values["title"],
                starts_on=_date_or_none(values["starts_on"]),
                ends_on=_date_or_none(values["ends_on"]),
                tasks=tasks,
                plan=plan,
            )
        except Http404:
            messages.error(request, _("请选择您负责的组织单位。"))
        except services.Forbidden as exc:
            if plan is not None:
                raise PermissionDenied from exc
            messages.error(request, _error(exc))
        except (ServiceError, ValidationError) as exc:
            messages.error(request, _error(exc))
        else:
            messages.success(request, _("加强年计划已保存。"))
            return redirect(f"{reverse('members:drives')}#plan-{saved.pk}")
    else:
        values = {
            "title": plan.title if plan else "",
            "starts_on": plan.starts_on.isoformat() if plan else "",
            "ends_on": plan.ends_on.isoformat() if plan else "",
            "org": plan.org_id if plan else None,
        }
        tasks = [
            drives.TaskInput(
                id=t.pk,
                number=t.number,
                title=t.title,
                metric=t.metric,
                target=t.target,
                owner=t.owner,
            )
            for t in (plan.tasks.order_by("number") if plan else [])
        ]
    rows = tasks + [
        drives.TaskInput(number=None, title="", metric="", target=None, owner="")
        for _i in range(BLANK_TASK_ROWS)
    ]
    return render(
        request,
        "members/console/drive_plan.html",
        _ctx(
            "drives",
            plan=plan,
            values=values,
            rows=rows,
            orgs=orgs,
            metrics=drives.metric_choices(),
        ),
    )


@login_required
def drive_plan_new(request: HttpRequest) -> HttpResponse:
    """A supervisor or admin creates a drive plan for an org they oversee."""
    return _drive_plan_form(request, None)


@login_required
def drive_plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Edit a plan and add, change or remove its numbered tasks (outside scope: 404)."""
    plan = _get(
        access.scoped(DrivePlan.objects.select_related("org"), request.user, "org__path"),
        plan_id,
    )
    if not drives.can_plan(request.user, plan.org):
        raise PermissionDenied
    return _drive_plan_form(request, plan)


@login_required
@require_POST
def drive_report(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _get(access.scoped(DriveTask.objects.all(), request.user, "plan__org__path"), task_id)
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        messages.error(request, _("请填写数字。"))
    else:
        _attempt(
            request,
            lambda: organising.report_progress(task, value=value, actor=request.user),
            _("进度已填报。"),
        )
    return redirect("members:drives")
