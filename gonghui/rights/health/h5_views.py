"""The enterprise union chair's self-assessment page, opened from a signed link (no
account): the checks with their law articles, an answer, a note and a photo or file
for each, saved as a draft or submitted to the street union."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gonghui.core.errors import ServiceError, error_message
from gonghui.rights.health import checklist as cl
from gonghui.rights.health import documents, services
from gonghui.rights.health.choices import CheckStatus, Result

MAX_EVIDENCE = 10 * 1024 * 1024
EVIDENCE_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".heic", ".webp")


def _page(request, hc, token, *, error: str = "", status: int = 200, saved: bool = False):
    answers = {a.check_id: a for a in hc.answers.all()}
    areas = []
    for area in hc.checklist.tree["areas"]:
        rows = [
            {"check": c, "answer": answers.get(c["id"]), "articles": documents.articles_for(c)}
            for item in area["items"]
            for c in item["checks"]
        ]
        areas.append({"name": area["name"], "rows": rows})
    return render(
        request,
        "rights/h5/health_check.html",
        {
            "hc": hc,
            "token": token,
            "areas": areas,
            "results": Result.choices,
            "open": hc.status == CheckStatus.SELF_ASSESSMENT,
            "error": error,
            "saved": saved,
            "answered": len(answers),
            "total": len(cl.checks(hc.checklist.tree)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def health_check(request: HttpRequest, token: str) -> HttpResponse:
    hc = services.check_from_token(token)
    if hc is None:
        raise Http404
    if request.method == "GET":
        return _page(request, hc, token, saved=request.GET.get("saved") == "1")
    answers = []
    try:
        for check in cl.checks(hc.checklist.tree):
            result = request.POST.get(f"result_{check['id']}", "")
            if not result:
                continue
            upload = request.FILES.get(f"evidence_{check['id']}")
            if upload is not None and (
                upload.size > MAX_EVIDENCE or not upload.name.lower().endswith(EVIDENCE_TYPES)
            ):
                raise services.invalid(
                    "evidence", _("佐证材料须为10MB以内的图片或PDF文件。"), "invalid_evidence"
                )
            answers.append(
                {
                    "check_id": check["id"],
                    "result": result,
                    "note": request.POST.get(f"note_{check['id']}", ""),
                    "evidence": upload,
                }
            )
        if answers:
            services.save_answers(hc, answers, via_link=True, request=request)
        if request.POST.get("submit"):
            services.act(hc, "self_submit", actor=None, request=request)
    except (ValidationError, ServiceError) as exc:
        hc.refresh_from_db()
        return _page(
            request, hc, token, error=error_message(exc), status=getattr(exc, "status", 422)
        )
    return redirect(f"{request.path}?saved=1")
