"""Staff console pages for membership and organising: the applications queue, member
search and the member's 360° page, transfers, roster import/export and statistics.
Organising (enterprises without a union, founding cases, meetings) and drive plans are
in ``organising_views.py``.

Every record comes through a scoped queryset (outside the user's scope is a 404) and
every change goes through ``services`` or ``organising``; a refusal is shown as a message.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.errors import error_message as _error
from gonghui.members import roster, services, stats, workflow
from gonghui.members.choices import ApplicationStatus, TransferStatus
from gonghui.members.forms import ImportForm
from gonghui.members.models import (
    Member,
)
from gonghui.members.search import search_members
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind

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


# --- statistics ------------------------------------------------------------------------------


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
