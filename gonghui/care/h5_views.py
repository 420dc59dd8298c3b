"""Worker H5 pages for relief: apply, upload a photo per checklist item, see at once
what is missing, submit, and follow the status. Plain forms: they work without JS."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gonghui.accounts.models import Worker
from gonghui.accounts.worker_session import worker_required
from gonghui.care import access, rules, services
from gonghui.care.choices import Status
from gonghui.care.models import Programme
from gonghui.core.errors import ServiceError


def _message(exc: Exception) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


@worker_required
def index(request: HttpRequest, worker: Worker) -> HttpResponse:
    programmes = [p for p in Programme.objects.filter(active=True) if "materials" in p.rules]
    apps = access.visible_applications(worker)[:50]
    return render(request, "care/h5/index.html", {"programmes": programmes, "apps": apps})


@worker_required
def apply(request: HttpRequest, worker: Worker, code: str) -> HttpResponse:
    try:
        programme = Programme.objects.get(code=code, active=True)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    declared = programme.rules.get("facts", {})
    error = ""
    if request.method == "POST":
        facts = {}
        for key, kind in declared.items():
            raw = request.POST.get(f"fact_{key}", "")
            if kind == "bool":
                facts[key] = raw == "on"
            elif raw.strip():
                facts[key] = raw.strip()
        try:
            app = services.create_application(
                code,
                {
                    "name": request.POST.get("name", ""),
                    "id_number": request.POST.get("id_number", ""),
                },
                facts,
                principal=worker,
                request=request,
            )
        except (ValidationError, ServiceError) as exc:
            error = _message(exc)
        else:
            return redirect("care_h5:detail", pk=app.pk)
    return render(
        request,
        "care/h5/apply.html",
        {
            "programme": programme,
            "facts": FACT_LABELS,
            "declared": declared,
            "error": error,
            "post": request.POST,
        },
    )


# How each fact is asked on the phone (the rules name facts; these are the words).
FACT_LABELS = {
    "employed": _("我目前在单位工作（需单位证明）"),
    "hospitalised": _("我住过院（需住院发票或费用清单）"),
    "out_of_pocket": _("个人自付医疗费用（元）"),
    "household_size": _("家庭人口数"),
}


def _detail(request, worker, pk, *, error="", status=200) -> HttpResponse:
    app = access.get_application_for(worker, pk)
    uploaded = set(app.documents.values_list("material", flat=True))
    missing = {m["code"] for m in services.missing_for(app, uploaded)}
    items = [
        {
            "code": m.code,
            "name": m.name,
            "missing": m.code in missing,
            "uploaded": m.code in uploaded and m.code not in missing,
        }
        for m in rules.materials(app.programme.rules)
        if rules.required(m, app.facts)
    ]
    return render(
        request,
        "care/h5/detail.html",
        {
            "app": app,
            "items": items,
            "missing_count": len(missing),
            "error": error,
            "editable": app.status in (Status.DRAFT, Status.RETURNED),
            "timeline": app.events.filter(public=True),
        },
        status=status,
    )


@worker_required
def detail(request: HttpRequest, worker: Worker, pk: int) -> HttpResponse:
    return _detail(request, worker, pk)


@require_POST
@worker_required
def upload(request: HttpRequest, worker: Worker, pk: int) -> HttpResponse:
    try:
        services.upload_document(
            worker, pk, request.POST.get("material", ""), request.FILES.get("file"), request=request
        )
    except (ValidationError, ServiceError) as exc:
        return _detail(request, worker, pk, error=_message(exc), status=422)
    return redirect("care_h5:detail", pk=pk)


@require_POST
@worker_required
def submit(request: HttpRequest, worker: Worker, pk: int) -> HttpResponse:
    try:
        services.submit(worker, pk, request=request)
    except (ValidationError, ServiceError) as exc:
        return _detail(request, worker, pk, error=_message(exc), status=422)
    return redirect("care_h5:detail", pk=pk)
