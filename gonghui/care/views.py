"""Console pages for relief: the applications in the staff member's scope with what each
still lacks, and one application with its papers, timeline and the steps they may take."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.care import access, rules, services
from gonghui.care.choices import Status
from gonghui.care.workflow import STAGE_ACTIONS, WORKFLOW
from gonghui.core import pii
from gonghui.core.errors import ServiceError


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = access.visible_applications(request.user)
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [{"app": a, "missing": len(services.missing_for(a))} for a in page]
    return render(
        request,
        "care/console/applications.html",
        {"page": page, "rows": rows, "statuses": Status.choices, "status": status},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = access.get_application_for(request.user, pk)
    allowed_tr = WORKFLOW.allowed(app, request.user)
    allowed = {t.action for t in allowed_tr}
    # The page offers the stage-neutral steps the API takes, when the table allows them.
    steps = [a for a, by_status in STAGE_ACTIONS.items() if by_status.get(app.status) in allowed]
    return render(
        request,
        "care/console/detail.html",
        {
            "app": app,
            "id_masked": pii.mask(pii.ID_NUMBER, app.id_number),
            "missing": services.missing_for(app),
            "materials": [
                m for m in rules.materials(app.programme.rules) if rules.required(m, app.facts)
            ],
            "documents": app.documents.all(),
            "timeline": app.events.all(),
            "steps": steps,
            "objections": app.objections.all(),
            "may_answer": any(
                t.action in ("uphold_objection", "dismiss_objection") for t in allowed_tr
            ),
        },
    )


@require_POST
@login_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in STAGE_ACTIONS:
        raise Http404
    try:
        services.decide(
            request.user,
            pk,
            action,
            items=request.POST.getlist("items"),
            note=request.POST.get("note", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except (ValidationError, ServiceError) as exc:
        messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
    else:
        messages.success(request, _("已办理。"))
    return redirect("care:detail", pk=pk)


@require_POST
@login_required
def answer_objection(request: HttpRequest, pk: int, objection_id: int, action: str) -> HttpResponse:
    """Answer an objection raised during 公示: uphold (rejects) or dismiss."""
    access.get_application_for(request.user, pk)  # 404 outside the scope
    try:
        services.answer_objection(
            request.user, objection_id, action, request.POST.get("answer", ""), request=request
        )
    except (ValidationError, ServiceError) as exc:
        messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
    else:
        messages.success(request, _("已答复异议。"))
    return redirect("care:detail", pk=pk)
