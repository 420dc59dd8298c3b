"""Staff console pages for membership and organising: the applications queue, member
search and the member's 360° page, transfers, roster import/export, organising
(enterprises without a union, founding cases, meetings), drive plans and statistics.

Every record comes through a scoped queryset (outside the user's scope is a 404) and
every change goes through ``services`` or ``organising``; a refusal is shown as a message.
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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.errors import error_message as _error
from gonghui.members import drives, organising, roster, services, stats, workflow
from gonghui.members.choices import ApplicationStatus, FoundingStep, MeetingKind, TransferStatus
from gonghui.members.forms import FoundingStepForm, ImportForm, MeetingForm
from gonghui.members.models import (
    DrivePlan,
    DriveTask,
    FoundingCase,
    Meeting,
    Member,
)
from gonghui.members.search import search_members
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Enterprise

PAGE_SIZE = 30

# What each member event reads as on the 360° timeline.
EVENT_LABELS = {
    "joined": gettext_lazy("入会"),
    "resumed": gettext_lazy("重新入会"),
    "imported": gettext_lazy("名册导入"),
    "transfer_requested": gettext_lazy("申请转会"),
    "transfer_released": gettext_lazy("原工会确认转出"),
    "transferred": gettext_lazy("转会完成"),
    "transfer_declined": gettext_lazy("新工会不予接收"),
    "lapse": gettext_lazy("会籍中断"),
    "resume": gettext_lazy("恢复会籍"),
    "end": gettext_lazy("终止会籍"),
}


def _ctx(section: str, **extra) -> dict:
    return {"section": section, **extra}


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _attempt(request: HttpRequest, fn, ok: str) -> bool:
    try:
        fn()
    except (ServiceError, ValidationError) as exc:
        messages.error(request, _error(exc))
        return False
    messages.success(request, ok)
    return True


# --- applications --------------------------------------------------------------------------


TABS = [
    ("pending", _("待审核")),
    ("overdue", _("已超时")),
    ("approved", _("已批准")),
    ("rejected", _("未批准")),
]


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    """The queue of join applications the user's unions decide, earliest deadline first."""
    visible = services.visible_applications(request.user)
    tab = request.GET.get("tab", "pending")
    filters = {
        "pending": Q(status=ApplicationStatus.PENDING),
        "overdue": Q(status=ApplicationStatus.PENDING, overdue=True),
        "approved": Q(status=ApplicationStatus.APPROVED),
        "rejected": Q(status=ApplicationStatus.REJECTED),
    }
    if tab not in filters:
        tab = "pending"
    counts = visible.aggregate(**{name: Count("pk", filter=q) for name, q in filters.items()})
    qs = (
        visible.filter(filters[tab])
        .select_related("org", "street", "member")
        .defer("org__boundary", "street__boundary")
        .order_by("due_at" if tab in ("pending", "overdue") else "-decided_at", "id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/console/applications.html",
        _ctx(
            "applications",
            page=page,
            tab=tab,
            tabs=[(name, label, counts[name]) for name, label in TABS],
        ),
    )


@login_required
def application_detail(request: HttpRequest, app_id: int) -> HttpResponse:
    application = _get(
        services.visible_applications(request.user)
        .select_related("org", "street", "member")
        .defer("org__boundary", "street__boundary"),
        app_id,
    )
    can_decide = bool(access.roles_over(request.user, application.org) & workflow.DECIDERS)
    from gonghui.core import pii

    identity = pii.identity(application, viewer=request.user, org=application.org, request=request)
    return render(
        request,
        "members/console/application.html",
        _ctx("applications", a=application, can_decide=can_decide, identity=identity),
    )


@login_required
@require_POST
def application_act(request: HttpRequest, app_id: int, action: str) -> HttpResponse:
    application = _get(services.visible_applications(request.user), app_id)
    if action == "approve":
        _attempt(
            request,
            lambda: services.approve_application(application, actor=request.user, request=request),
            _("已批准 %(name)s 入会。") % {"name": application.name},
        )
    elif action == "reject":
        _attempt(
            request,
            lambda: services.reject_application(
                application,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                request=request,
            ),
            _("已不予批准，理由已短信告知申请人。"),
        )
    else:
        raise Http404
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/console/members/") else "members:applications")


# --- members ----------------------------------------------------------------------------------


@login_required
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:40]
    rows = search_members(request.user, q, limit=50)
    return render(request, "members/console/search.html", _ctx("search", q=q, rows=rows))


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member's 360° page: periods, transfers, applications and appeals on one timeline."""
    member = _get(
        services.visible_members(request.user)
        .select_related("org", "street", "enterprise", "worker")
        .defer("org__boundary", "street__boundary"),
        member_id,
    )
    from gonghui.core import pii

    timeline = [
        {
            "at": e.at,
            "kind": "member",
            "label": EVENT_LABELS.get(e.action, e.action),
            "note": e.note,
        }
        for e in member.events.all()
    ]
    timeline += _appeals_of(request, member)
    timeline += _checkins_of(member)
    timeline.sort(key=lambda item: item["at"], reverse=True)
    can_decide = bool(access.roles_over(request.user, member.org) & workflow.DECIDERS)
    return render(
        request,
        "members/console/member.html",
        _ctx(
            "search",
            m=member,
            identity=pii.identity(member, viewer=request.user, org=member.org, request=request),
            phone=pii.display(member, "phone", viewer=request.user, org=member.org, request=request)
            if member.phone
            else "",
            periods=member.periods.select_related("org"),
            transfers=member.transfers.select_related("from_org", "to_org"),
            timeline=timeline[:100],
            can_decide=can_decide,
            targets=_transfer_targets(request),
        ),
    )


def _appeals_of(request: HttpRequest, member: Member) -> list[dict]:
    """The member's appeals the user may see, through the appeals app's public queryset."""
    from gonghui.appeals.services import visible_appeals

    q = Q(phone_hash=member.phone_hash) if member.phone_hash else Q(pk__in=[])
    if member.worker_id:
        q |= Q(worker_id=member.worker_id)
    appeals = visible_appeals(request.user).filter(q).order_by("-created_at")[:50]
    return [
        {
            "at": a.created_at,
            "kind": "appeal",
            "label": a.ticket_no,
            "note": a.get_status_display(),
            "url": f"/console/appeals/{a.pk}/",
        }
        for a in appeals
    ]


def _checkins_of(member: Member) -> list[dict]:
    """The stations the member used while signed in (anonymous check-ins name nobody)."""
    from gonghui.stations.choices import Amenity
    from gonghui.stations.services import checkins_of_worker

    if not member.worker_id:
        return []
    return [
        {
            "at": c.at,
            "kind": "checkin",
            "label": _("到站使用：%(station)s") % {"station": c.position.name},
            "note": "、".join(str(Amenity(u).label) for u in c.used if u in Amenity.values),
            "url": f"/h5/stations/{c.position_id}/",
        }
        for c in checkins_of_worker(member.worker_id)
    ]


def _transfer_targets(request: HttpRequest):
    return (
        access.visible_orgs(request.user)
        .filter(
            kind__in=[
                OrgKind.GRASSROOTS,
                OrgKind.AREA_JOINT,
                OrgKind.MOBILE_JOINT,
                OrgKind.INDUSTRY,
                OrgKind.STREET,
            ]
        )
        .defer("boundary")
        .order_by("path")[:300]
    )


@login_required
@require_POST
def member_act(request: HttpRequest, member_id: int, action: str) -> HttpResponse:
    member = _get(services.visible_members(request.user), member_id)
    if action in workflow.MEMBERSHIP:
        _attempt(
            request,
            lambda: services.change_status(
                member, action, actor=request.user, note=request.POST.get("note", "")[:300]
            ),
            str(workflow.MEMBERSHIP[action].label),
        )
    elif action == "transfer":
        try:
            to_org = access.get_org_for(request.user, int(request.POST.get("to_org", "0")))
        except (Http404, ValueError):
            messages.error(request, _("请选择转入的工会。"))
        else:
            _attempt(
                request,
                lambda: services.staff_transfer(
                    member,
                    to_org=to_org,
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                    request=request,
                ),
                _("转会已办理。"),
            )
    else:
        raise Http404
    return redirect("members:member", member_id=member.pk)


# --- transfers -------------------------------------------------------------------------------


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    qs = (
        services.visible_transfers(request.user)
        .filter(status__in=[TransferStatus.REQUESTED, TransferStatus.RELEASED])
        .select_related("member", "from_org", "to_org")
        .defer("from_org__boundary", "to_org__boundary")
        .order_by("release_by")
    )
    rows = []
    for t in qs[:200]:
        rows.append(
            {
                "t": t,
                "may_release": t.status == TransferStatus.REQUESTED
                and bool(access.roles_over(request.user, t.from_org) & workflow.DECIDERS),
                "may_accept": t.status == TransferStatus.RELEASED
                and bool(access.roles_over(request.user, t.to_org) & workflow.DECIDERS),
            }
        )
    return render(request, "members/console/transfers.html", _ctx("transfers", rows=rows))


@login_required
@require_POST
def transfer_act(request: HttpRequest, transfer_id: int, action: str) -> HttpResponse:
    t = _get(services.visible_transfers(request.user), transfer_id)
    fns = {
        "release": lambda: services.release_transfer(t, actor=request.user, request=request),
        "accept": lambda: services.accept_transfer(t, actor=request.user, request=request),
        "decline": lambda: services.decline_transfer(
            t, actor=request.user, reason=request.POST.get("reason", ""), request=request
        ),
    }
    if action not in fns:
        raise Http404
    _attempt(request, fns[action], str(workflow.TRANSFER[action].label))
    return redirect("members:transfers")


# --- roster import / export ---------------------------------------------------------------------


def _holding_orgs(request: HttpRequest):
    return (
        access.visible_orgs(request.user)
        .filter(
            kind__in=[
                OrgKind.GRASSROOTS,
                OrgKind.AREA_JOINT,
                OrgKind.MOBILE_JOINT,
                OrgKind.INDUSTRY,
                OrgKind.STREET,
            ]
        )
        .defer("boundary")
        .order_by("path")[:500]
    )


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    report, error = None, ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                org = access.get_org_for(request.user, form.cleaned_data["org"])
                report = roster.import_roster(
                    form.cleaned_data["file"], org=org, actor=request.user, request=request
                )
            except Http404:
                error = _("请选择您负责的工会。")
            except ServiceError as exc:
                error = exc.message
        else:
            error = _("请选择工会和 Excel 文件。")
    return render(
        request,
        "members/console/import.html",
        _ctx(
            "import",
            report=report,
            error=error,
            orgs=_holding_orgs(request),
            columns=roster.COLUMNS,
        ),
    )


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        roster.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="member-roster-template.xlsx"'
    return response


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    org = stats.top_org(request.user)
    if request.GET.get("org"):
        org = access.get_org_for(request.user, request.GET["org"])
    if org is None:
        raise Http404
    members = Member.objects.filter(org__path__startswith=org.path).order_by("member_number")
    response = HttpResponse(
        roster.export_xlsx(members, actor=request.user, org=org, request=request),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="members-{date.today():%Y%m%d}.xlsx"'
    return response


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


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    org = stats.top_org(request.user)
    if request.GET.get("org"):
        org = access.get_org_for(request.user, request.GET["org"])
    if org is None:
        raise Http404
    try:
        start = date.fromisoformat(request.GET["from"]) if request.GET.get("from") else None
        end = date.fromisoformat(request.GET["to"]) if request.GET.get("to") else None
    except ValueError:
        messages.error(request, _("日期格式不正确，已改为显示今年。"))
        start = end = None
    start, end = stats.period(start, end)
    if start > end:
        start, end = stats.period(None, None)
    totals = stats.org_stats(org, start, end)
    children = stats.children_stats(org, start, end)
    chart = {
        "labels": [c.short_name or c.name for c, _v in children],
        "series": {key: [v[key] for _c, v in children] for key in stats.FIGURES},
        "monthly": stats.monthly_new_members(org),
    }
    return render(
        request,
        "members/console/stats.html",
        _ctx(
            "stats",
            org=org,
            start=start,
            end=end,
            totals=totals,
            children=children,
            chart=chart,
        ),
    )
