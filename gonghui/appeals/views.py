"""Staff console pages for appeals: intake, queues, one appeal with its actions, callbacks
(回访); the supervisor dashboard and its Excel export are ``dashboard_views.py``.

Views stay thin: every appeal comes through ``services.visible_appeals`` or
``services.access_appeal`` (outside the user's scope is a 404), and every change goes
through ``services``. A refused action changes nothing and is shown as a message.
"""

import hashlib
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.appeals import duplicates, forms, routing, search, services, workflow
from gonghui.appeals.choices import OPEN_STATUSES, Category, ExtensionStatus, Kind, Status
from gonghui.appeals.models import Appeal, CallbackTask, Extension
from gonghui.core import pii
from gonghui.core.errors import ServiceError
from gonghui.core.errors import error_message as _error_text
from gonghui.knowledge import services as knowledge
from gonghui.orgs import access
from gonghui.orgs.choices import OrgKind, Role
from gonghui.orgs.models import Org, StaffRole
from gonghui.triage import services as triage

INTAKE_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.ADMIN}
DASHBOARD_ROLES = {Role.SUPERVISOR, Role.ADMIN}
PAGE_SIZE = 30
ANONYMOUS_PHONE = "***********"


# --- who the user is -------------------------------------------------------------------------


def _staff_roles(request: HttpRequest) -> list[tuple[int, str, str]]:
    """Return (org id, role, org path) of every role the user holds; one query per request."""
    if not hasattr(request, "_appeal_roles"):
        request._appeal_roles = list(
            StaffRole.objects.filter(user=request.user).values_list("org_id", "role", "org__path")
        )
    return request._appeal_roles


def _has_any(request: HttpRequest, roles: set[str]) -> bool:
    return any(role in roles for _org, role, _path in _staff_roles(request))


def _require(request: HttpRequest, roles: set[str]) -> None:
    # Pages a role does not use are 404 like anything else out of reach: nothing leaks.
    if not _has_any(request, roles):
        raise Http404


def _context(request: HttpRequest, **extra) -> dict:
    return {
        "can_intake": _has_any(request, INTAKE_ROLES),
        "can_dashboard": _has_any(request, DASHBOARD_ROLES),
        **extra,
    }


def _identity_visible(request: HttpRequest, appeal: Appeal) -> bool:
    """Anonymous appeals show the worker only to staff of the handling org itself."""
    if not appeal.anonymous:
        return True
    org_id = appeal.assigned_org_id or appeal.dispatcher_org_id
    return any(org == org_id for org, _role, _path in _staff_roles(request))


def _masked_phone(request: HttpRequest, appeal: Appeal) -> str:
    if not _identity_visible(request, appeal):
        return ANONYMOUS_PHONE
    return pii.mask(pii.PHONE, appeal.phone)


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


# --- deadlines -------------------------------------------------------------------------------

# The deadline of the step the appeal waits for: accept, then first contact, then resolve.
NEXT_DUE = Case(
    When(status=Status.DISPATCHED, then=F("accept_by")),
    When(status=Status.ACCEPTED, then=F("contact_by")),
    When(status=Status.IN_PROGRESS, then=F("resolve_by")),
    default=Value(None),
    output_field=DateTimeField(),
)
OVERDUE_FLAGS = Q(overdue_accept=True) | Q(overdue_contact=True) | Q(overdue_resolve=True)


def _with_orgs(qs: QuerySet, prefix: str = "") -> QuerySet:
    """Join the dispatcher and handling orgs, without their boundary polygons (large)."""
    names = [f"{prefix}assigned_org", f"{prefix}dispatcher_org"]
    return qs.select_related(*names).defer(*(f"{n}__boundary" for n in names))


def _open_with_due(qs: QuerySet) -> QuerySet:
    return qs.filter(status__in=OPEN_STATUSES).annotate(next_due=NEXT_DUE)


def _overdue(qs: QuerySet, now) -> QuerySet:
    """Open appeals flagged by the sweep or already past the deadline of their step."""
    return _open_with_due(qs).filter(OVERDUE_FLAGS | Q(next_due__lt=now))


# --- intake ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Record a hotline call on one screen; keyboard first (see static/js/appeals_forms.js)."""
    _require(request, INTAKE_ROLES)
    key = request.POST.get("intake_key") or uuid.uuid4().hex
    if request.method == "POST":
        form = forms.IntakeForm(request.POST)
        if form.is_valid():
            appeal = _create_from(request, form, key)
            if appeal is not None:
                messages.success(
                    request, _("已受理，工单号 %(ticket)s。") % {"ticket": appeal.ticket_no}
                )
                return redirect(f"{reverse('appeals:intake')}?saved={appeal.pk}")
        _focus_first_error(form)
    else:
        form = forms.IntakeForm()
    saved = _saved(request)
    answer_form = None
    if saved is not None and saved.kind == Kind.ENQUIRY and _may(saved, "answer_directly", request):
        answer_form = forms.AnswerForm()
    return render(
        request,
        "appeals/console/intake.html",
        _context(
            request,
            section="intake",
            form=form,
            intake_key=key,
            saved=saved,
            answer_form=answer_form,
            articles=knowledge.articles_for(saved.text) if answer_form else [],
        ),
        status=400 if request.method == "POST" else 200,
    )


def _focus_first_error(form: forms.IntakeForm) -> None:
    """Put the cursor where the operator has to correct something."""
    wrong = [name for name in form.fields if name in form.errors]
    if wrong:
        form.fields["phone"].widget.attrs.pop("autofocus", None)
        form.fields[wrong[0]].widget.attrs["autofocus"] = True


def _create_from(request: HttpRequest, form: forms.IntakeForm, key: str) -> Appeal | None:
    data = form.cleaned_data
    intake_data = services.Intake(
        text=data["text"],
        phone=data["phone"],
        channel="hotline",
        kind=data["kind"] or None,
        category=data["category"] or None,
        urgency=data["urgency"] or None,
        name=data["name"],
        anonymous=data["anonymous"],
        address=data["address"],
        employer_name=data["employer_name"],
        employer_uscc=data["employer_uscc"],
    )
    # A second Ctrl+Enter on the same screen must not file the call twice; the same
    # screen sent again with other content (back button, edited) is a new call.
    content = hashlib.sha256(f"{data['phone']}\n{data['text']}".encode()).hexdigest()[:16]
    try:
        appeal, _created = services.create_appeal(
            intake_data,
            actor=request.user,
            idempotency_key=f"console:{request.user.pk}:{key[:40]}:{content}",
            request=request,
        )
    except ValidationError as exc:
        field = forms.INTAKE_ERROR_FIELDS.get(getattr(exc, "code", None) or "")
        form.add_error(field, exc)
        return None
    return appeal


def _saved(request: HttpRequest) -> Appeal | None:
    """The appeal just recorded (``?saved=``), if the operator may see it."""
    pk = request.GET.get("saved")
    if not pk:
        return None
    try:
        return services.access_appeal(request.user, pk)
    except Http404:
        return None


@login_required
@require_GET
def intake_lookup(request: HttpRequest) -> HttpResponse:
    """The htmx panel beside intake: the caller's earlier appeals and likely duplicates."""
    _require(request, INTAKE_ROLES)
    phone = request.GET.get("phone", "")
    text = request.GET.get("text", "").strip()
    employer_name = request.GET.get("employer_name", "").strip()
    employer_uscc = request.GET.get("employer_uscc", "").strip().upper()
    visible = _with_orgs(services.visible_appeals(request.user))
    phone_hash, state = None, "short"
    if len(re.sub(r"\D", "", phone)) >= 11:
        try:
            phone_hash, state = pii.digest(pii.PHONE, phone), "ok"
        except ValidationError:
            state = "invalid"
    earlier = list(visible.filter(phone_hash=phone_hash)[:10]) if phone_hash else []
    suggestion = routing.triage(text[: triage.TEXT_MAX]) if len(text) >= 4 else None
    found_employer = suggestion.employer if suggestion else None
    likely = duplicates.find(
        visible,
        text=text,
        phone_hash=phone_hash,
        employer_name=employer_name or (found_employer["name"] if found_employer else ""),
        employer_uscc=employer_uscc,
        enterprise_id=found_employer["enterprise_id"] if found_employer else None,
        street_id=suggestion.street["id"] if suggestion and suggestion.street else None,
        district_id=suggestion.district["id"] if suggestion and suggestion.district else None,
    )
    return render(
        request,
        "appeals/console/_lookup.html",
        {
            "state": state,
            "earlier": earlier,
            "duplicates": likely,
            "has_text": bool(text),
            "suggestion": suggestion,
            "suggested_label": Category(suggestion.category).label if suggestion else "",
            "articles": knowledge.articles_for(text, limit=3) if suggestion else [],
        },
    )


# The similarity measure lives with duplicate detection (gonghui.appeals.duplicates).
similarity = duplicates.similarity


# --- queues ----------------------------------------------------------------------------------

TABS = [
    ("dispatch", gettext_lazy("待派单")),
    ("mine", gettext_lazy("我的办理")),
    ("supervised", gettext_lazy("督办件")),
    ("overdue", gettext_lazy("超时件")),
    ("extensions", gettext_lazy("延期待审批")),
]


def _tab_queryset(tab: str, request: HttpRequest, now) -> QuerySet:
    user = request.user
    visible = services.visible_appeals(user)
    if tab == "dispatch":
        return visible.filter(access.scope_q(user, "dispatcher_org__path"), status=Status.RECEIVED)
    if tab == "mine":
        return _open_with_due(visible.filter(access.scope_q(user, "assigned_org__path")))
    if tab == "supervised":
        return _open_with_due(visible.filter(supervised=True))
    if tab == "overdue":
        return _overdue(visible, now)
    # extensions: pending requests this user may decide (supervisor or admin at or above)
    paths = [p for _o, role, p in _staff_roles(request) if role in DASHBOARD_ROLES]
    if not paths:
        return _open_with_due(visible).none()
    above = Q(pk__in=[])
    for p in paths:
        above |= Q(assigned_org__path__startswith=p)
    pending = Extension.objects.filter(status=ExtensionStatus.PENDING).values("appeal_id")
    return _open_with_due(visible.filter(above, pk__in=pending))


def _default_tab(request: HttpRequest) -> str:
    roles = {role for _o, role, _p in _staff_roles(request)}
    if roles & {Role.OPERATOR, Role.DISPATCHER}:
        return "dispatch"
    if Role.HANDLER in roles or not roles:
        return "mine"
    return "overdue"


@login_required
@require_GET
def queues(request: HttpRequest) -> HttpResponse:
    """The work queues; the number of queries does not grow with the rows shown."""
    tab = request.GET.get("tab") or _default_tab(request)
    if tab not in dict(TABS):
        raise Http404
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    q = request.GET.get("q", "").strip()[: search.MAX_LENGTH]
    now = timezone.now()
    qs = _with_orgs(_tab_queryset(tab, request, now))
    if status in Status.values:
        qs = qs.filter(status=status)
    if category in Category.values:
        qs = qs.filter(category=category)
    qs = search.search(qs, q)
    if tab == "dispatch":
        qs = qs.order_by("created_at", "pk")  # first come, first dispatched
    else:
        qs = qs.order_by(F("next_due").asc(nulls_last=True), "created_at", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for appeal in page:
        due = getattr(appeal, "next_due", None)
        appeal.late = appeal.overdue or (due is not None and due < now)
        appeal.phone_masked = _masked_phone(request, appeal)
    counts = {name: _tab_queryset(name, request, now).count() for name, _label in TABS}
    return render(
        request,
        "appeals/console/queues.html",
        _context(
            request,
            section="queues",
            tabs=[(name, label, counts[name]) for name, label in TABS],
            tab=tab,
            page=page,
            status=status,
            category=category,
            q=q,
            statuses=Status.choices,
            categories=Category.choices,
        ),
    )


# --- one appeal ------------------------------------------------------------------------------


def _may(appeal: Appeal, action: str, request: HttpRequest) -> bool:
    """Whether the workflow lets this user take ``action`` now (the service decides)."""
    if not workflow.can_apply(action, appeal.status):
        return False
    try:
        services.check_allowed(appeal, action, request.user)
    except ServiceError:
        return False
    return True


def _dispatch_targets(request: HttpRequest) -> list[Org]:
    return list(
        access.visible_orgs(request.user)
        .filter(kind__in=[OrgKind.STREET, OrgKind.DISTRICT])
        .select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("path")
    )


def _new_form(action: str, appeal: Appeal, request: HttpRequest, data=None):
    form_class = forms.ACTION_FORMS[action][0]
    if action == "dispatch":
        initial = {
            "org_id": appeal.suggested_org_id
            or appeal.street_id
            or (appeal.enterprise and appeal.enterprise.street_id)
        }
        return form_class(
            data,
            orgs=_dispatch_targets(request),
            suggested=appeal.suggested_org_id,
            initial=initial,
        )
    if action == "recategorise":
        return form_class(data, initial={"category": appeal.category})
    return form_class(data)


def _actions(appeal: Appeal, request: HttpRequest, bound: tuple | None) -> list[dict]:
    pending = appeal.extensions.filter(status=ExtensionStatus.PENDING).first()
    result = []
    for action, (_form_class, label) in forms.ACTION_FORMS.items():
        if action == "answer_directly" and appeal.kind != Kind.ENQUIRY:
            continue
        if action.startswith("extension/") and pending is None:
            continue
        if action == "extend" and (
            pending is not None or appeal.extension_count >= workflow.MAX_EXTENSIONS
        ):
            continue
        if not _may(appeal, action, request):
            continue
        if bound is not None and bound[0] == action:
            form = bound[1]
        else:
            form = _new_form(action, appeal, request)
        result.append(
            {
                "action": action,
                "slug": action.replace("/", "-"),
                "label": label,
                "form": form,
                "url": reverse("appeals:act", args=[appeal.pk, action]),
                "templates": forms.reply_templates(appeal.category) if action == "resolve" else [],
                "pending": pending if action.startswith("extension/") else None,
            }
        )
    return result


def _render_detail(
    request: HttpRequest,
    appeal: Appeal,
    *,
    bound: tuple | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    identity = _identity_visible(request, appeal)
    if identity:
        org = appeal.assigned_org or appeal.dispatcher_org
        phone = pii.display(appeal, "phone", viewer=request.user, org=org, request=request)
        name = appeal.name
    else:
        phone, name = ANONYMOUS_PHONE, _("匿名")
    events = appeal.events.select_related("org").defer("org__boundary").order_by("at", "id")
    timeline = [
        {
            "event": e,
            "label": workflow.label(e.action),
            "from_label": Status(e.from_status).label if e.from_status in Status.values else "",
            "to_label": Status(e.to_status).label if e.to_status in Status.values else "",
        }
        for e in events
    ]
    # The street or district where it happened; its boundary polygon is not needed here.
    place_id = appeal.street_id or appeal.district_id
    place = Org.objects.only("name").filter(pk=place_id).first() if place_id else None
    callback_form = None
    if appeal.status == Status.RESOLVED and _may(appeal, "evaluate", request):
        callback_form = forms.CallbackForm()
    return render(
        request,
        "appeals/console/detail.html",
        _context(
            request,
            section="queues",
            appeal=appeal,
            phone=phone,
            name=name,
            place=place,
            timeline=timeline,
            attachments=appeal.attachments.order_by("pk"),
            extensions=appeal.extensions.select_related("requested_by", "decided_by").order_by(
                "requested_at"
            ),
            merged=services.visible_appeals(request.user).filter(merged_into=appeal),
            actions=_actions(appeal, request, bound),
            articles=knowledge.articles_for(appeal.text),
            cite_target="id_reply,id_answer",
            similar=duplicates.find(
                services.visible_appeals(request.user),
                text=appeal.text,
                phone_hash=appeal.phone_hash,
                employer_name=appeal.employer_name,
                enterprise_id=appeal.enterprise_id,
                street_id=appeal.street_id,
                district_id=appeal.district_id,
                exclude_pk=appeal.pk,
            )
            if appeal.is_open
            else [],
            callback_form=callback_form,
            error=error,
            now=timezone.now(),
        ),
        status=status,
    )


@login_required
@require_GET
def detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = services.access_appeal(request.user, appeal_id)
    return _render_detail(request, appeal)


@login_required
@require_POST
def act(request: HttpRequest, appeal_id: int, action: str) -> HttpResponse:
    """Take one workflow action from its form; a refusal re-shows the page, unchanged."""
    appeal = services.access_appeal(request.user, appeal_id)
    if action not in forms.ACTION_FORMS:
        raise Http404
    form = _new_form(action, appeal, request, data=request.POST)
    error, status = "", 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        if action == "merge":
            ticket_no = data.pop("ticket_no").strip()
            main = services.visible_appeals(request.user).filter(ticket_no=ticket_no).first()
            data["into_id"] = main.pk if main else None
        try:
            services.act(appeal, action, actor=request.user, request=request, **data)
        except (ServiceError, ValidationError) as exc:
            error = _error_text(exc)
            status = getattr(exc, "status", 400)
        else:
            label = forms.ACTION_FORMS[action][1]
            messages.success(request, _("已完成：%(action)s。") % {"action": label})
            return _after_action(request, appeal.pk)
    else:
        error = _("请检查填写的内容。")
    appeal = services.access_appeal(request.user, appeal_id)
    return _render_detail(request, appeal, bound=(action, form), error=error, status=status)


def _after_action(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    target = _safe_next(request)
    if target:
        return redirect(target)
    # A returned appeal can leave the handler's scope: back to the queue then.
    if services.visible_appeals(request.user).filter(pk=pk).exists():
        return redirect("appeals:detail", pk)
    return redirect("appeals:queues")


@login_required
@require_GET
def attachment(request: HttpRequest, appeal_id: int, attachment_id: int) -> FileResponse:
    """Serve an attachment only to staff who may see its appeal (never via MEDIA_URL)."""
    appeal = services.access_appeal(request.user, appeal_id)
    att = get_object_or_404(appeal.attachments, pk=attachment_id)
    response = FileResponse(
        att.file.open("rb"),
        content_type=att.content_type,
        as_attachment=att.content_type == "application/pdf",
        filename=att.name,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- callbacks (回访) ---------------------------------------------------------------------------


@login_required
@require_GET
def callbacks(request: HttpRequest) -> HttpResponse:
    """Callbacks not done yet for appeals in the user's scope, oldest first."""
    tasks = _with_orgs(
        CallbackTask.objects.filter(
            done_at=None, appeal__in=services.visible_appeals(request.user).values("pk")
        ),
        "appeal__",
    ).order_by("due_at", "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page:
        task.phone_masked = _masked_phone(request, task.appeal)
        # One form per row: ids must stay unique on the page.
        task.form = forms.CallbackForm(auto_id=f"id_cb{task.appeal_id}_%s")
    return render(
        request, "appeals/console/callbacks.html", _context(request, section="callbacks", page=page)
    )


@login_required
@require_POST
def callback_record(request: HttpRequest, appeal_id: int) -> HttpResponseRedirect:
    appeal = services.access_appeal(request.user, appeal_id)
    form = forms.CallbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择是否解决和满意度。"))
    else:
        try:
            services.record_callback(appeal, actor=request.user, **form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request, _("已记录 %(ticket)s 的回访。") % {"ticket": appeal.ticket_no}
            )
    return redirect(_safe_next(request) or reverse("appeals:callbacks"))
