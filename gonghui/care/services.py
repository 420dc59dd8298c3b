"""Every write of the care app: each one a transaction with its timeline event, its
audit row and any text message (outbox), so a refusal leaves nothing half-stored."""

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import Worker
from gonghui.appeals.attachments import check_files
from gonghui.care import access, rules
from gonghui.care.choices import (
    STAGE_OF,
    ClaimStatus,
    Eligibility,
    FileStatus,
    Stage,
    Status,
)
from gonghui.care.models import (
    Application,
    Bill,
    Claim,
    Document,
    Event,
    HardshipFile,
    HouseholdMember,
    Programme,
    Publicity,
)
from gonghui.care.workflow import WORKFLOW, table_action
from gonghui.core import audit, pii
from gonghui.core.errors import Conflict, Forbidden, ServiceError
from gonghui.core.outbox import queue_sms
from gonghui.core.workdays import SHANGHAI, add_working_days
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.members.services import check_identity
from gonghui.orgs.access import ancestor_paths, can_see
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org


class Incomplete(ServiceError):
    """Submit refused: the answer lists each missing item (422)."""

    status = 422


def today() -> date:
    return timezone.now().astimezone(SHANGHAI).date()


def _working_day_end(start: date, days: int) -> date:
    return add_working_days(datetime.combine(start, time(12), tzinfo=SHANGHAI), days).date()


def get_programme(code: str) -> Programme:
    try:
        return Programme.objects.get(code=code, active=True)
    except Programme.DoesNotExist as exc:
        raise ValidationError(
            _("没有“%(code)s”这个救助项目。") % {"code": str(code)[:40]}, code="unknown_programme"
        ) from exc


def review_orgs(org: Org) -> tuple[Org, Org]:
    """Return the street and district above ``org`` (a union straight under a district
    has its district review the street stage too)."""
    chain = list(Org.objects.filter(path__in=ancestor_paths(org.path)).order_by("depth"))
    district = next((o for o in reversed(chain) if o.kind == OrgKind.DISTRICT), chain[0])
    street = next((o for o in reversed(chain) if o.kind == OrgKind.STREET), district)
    return street, district


def _event(app: Application, action: str, label, *, actor=None, note="", items=(), public=True):
    Event.objects.create(
        application=app,
        action=action,
        label=str(label)[:80],
        status=app.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=(actor.get_username() if getattr(actor, "is_authenticated", False) else ""),
        note=note[:500],
        items=list(items),
        public=public,
    )


def _sms(app: Application, text: str) -> None:
    if app.phone:
        queue_sms(app.phone, text)


def missing_for(app: Application, uploaded: set[str] | None = None) -> list[dict]:
    if uploaded is None:
        uploaded = set(app.documents.values_list("material", flat=True))
    return rules.missing_items(app.programme.rules, app.facts, uploaded, app.returned_items)


def require_staff_role(user, org: Org) -> None:
    """Writes on files, claims, payments and campaigns need a reviewer's role (handler,
    supervisor, admin) at ``org`` or above it: a hotline operator who can see the org
    may not write there (403; outside the scope the caller answers 404 first)."""
    from gonghui.care.workflow import REVIEWERS
    from gonghui.orgs.access import has_role

    if not has_role(user, REVIEWERS, org):
        raise Forbidden(_("您的岗位不能对该事项进行此操作。"), code="forbidden_role")


# --- applications ----------------------------------------------------------------------------


def _find_union(rules_: dict, id_hash: str) -> tuple[Org, Member | None]:
    """Return the union that handles the applicant and their member row, by who may apply."""
    eligible = rules_.get("eligible", [Eligibility.MEMBER])
    member = Member.objects.filter(id_hash=id_hash, status=MemberStatus.ACTIVE).first()
    if Eligibility.MEMBER in eligible and member is not None:
        return member.org, member
    if Eligibility.HARDSHIP_HOUSEHOLD in eligible:
        person = (
            HouseholdMember.objects.filter(id_hash=id_hash, active=True)
            .select_related("file__org")
            .first()
        )
        if person is not None:
            return person.file.org, member
    raise ValidationError(
        _("申请人不符合本项目的申请条件（需为%(who)s）。")
        % {"who": "、".join(str(Eligibility(e).label) for e in eligible)},
        code="not_eligible",
    )


def create_application(
    programme_code: str, applicant: dict, facts: dict | None, *, principal, request=None
) -> Application:
    """Open a draft for a worker (their own) or by staff on a worker's behalf."""
    programme = get_programme(programme_code)
    clean = rules.clean_facts(programme.rules, facts)
    identity = check_identity(
        str(applicant.get("name") or ""), str(applicant.get("id_number") or "")
    )
    worker = principal if isinstance(principal, Worker) else None
    phone = str(applicant.get("phone") or "") or (worker.phone if worker else "")
    if phone:
        phone = pii.normalize_phone(phone)
    org, member = _find_union(programme.rules, pii.digest(pii.ID_NUMBER, identity.id_number))
    if worker is None and not can_see(principal, org):
        raise Http404  # staff apply only for workers of their own unions
    street, district = review_orgs(org)
    with transaction.atomic():
        app = Application.objects.create(
            programme=programme,
            worker=worker,
            member=member,
            name=identity.name,
            id_number=identity.id_number,
            phone=phone,
            org=org,
            street=street,
            district=district,
            facts=clean,
            created_by=None if worker else principal,
        )
        _event(app, "create", _("填写申请"), actor=None if worker else principal)
        audit.record(
            "care.application.create",
            actor=None if worker else principal,
            obj=app,
            request=request,
            programme=programme.code,
        )
    return app


def upload_document(principal, pk, material: str, upload, *, request=None) -> Application:
    """Attach one paper; the file is checked (content, size) before anything is written."""
    checked = check_files([upload] if upload is not None else [])
    if not checked:
        raise ValidationError(_("请选择要上传的文件。"), code="no_file")
    with transaction.atomic():
        app = access.get_application_for(principal, pk, write=True)
        if material not in rules.material_codes(app.programme.rules):
            raise ValidationError(
                _("本项目的材料清单里没有“%(code)s”。") % {"code": str(material)[:40]},
                code="unknown_material",
            )
        if app.status not in (Status.DRAFT, Status.RETURNED):
            raise Conflict(_("申请已提交审核，不能再更改材料。"), code="invalid_transition")
        c = checked[0]
        doc = Document(
            application=app,
            material=material,
            name=c.name,
            content_type=c.content_type,
            size=len(c.data),
            sha256=c.sha256,
        )
        ext = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}[c.content_type]
        doc.file.save(f"{material}-{c.sha256[:16]}{ext}", ContentFile(c.data), save=False)
        doc.save()
        if material in app.returned_items:
            app.returned_items = [m for m in app.returned_items if m != material]
            app.save(update_fields=["returned_items", "updated_at"])
        name = next(m.name for m in rules.materials(app.programme.rules) if m.code == material)
        _event(
            app,
            "upload",
            _("上传材料：%(name)s") % {"name": name},
            actor=None if isinstance(principal, Worker) else principal,
            items=[material],
        )
        audit.record(
            "care.application.upload",
            actor=None if isinstance(principal, Worker) else principal,
            obj=app,
            request=request,
            material=material,
            sha256=c.sha256,
        )
    # A file stored by a rolled-back transaction would be orphaned; the row is what counts.
    return app


def submit(principal, pk, *, request=None) -> Application:
    with transaction.atomic():
        app = access.get_application_for(principal, pk, write=True)
        actor = None if isinstance(principal, Worker) else principal
        tr = WORKFLOW.check(app, "submit", actor)
        missing = missing_for(app)
        if missing:
            raise Incomplete(
                _("材料还不齐，缺少：%(items)s。")
                % {"items": "、".join(m["name"] for m in missing)},
                code="incomplete",
                missing=missing,
            )
        end = rules.cutoff(app.programme.rules, today().year)
        if end is not None and today() > end:
            raise ServiceError(
                _("本年度申请已于%(date)s截止，请于明年再申请。") % {"date": f"{end:%m月%d日}"},
                code="past_cutoff",
                status=422,
            )
        app.status = tr.target
        app.stage = Stage.GRASSROOTS
        app.submitted_at = timezone.now()
        app.stage_due_on = _stage_due(app)
        app.save(update_fields=["status", "stage", "submitted_at", "stage_due_on", "updated_at"])
        _event(app, "submit", tr.label, actor=actor)
        audit.record("care.application.submit", actor=actor, obj=app, request=request)
        _sms(
            app,
            _("【工会帮扶】您的%(p)s申请已提交，基层工会将在%(d)s前审核。")
            % {"p": app.programme.name, "d": f"{app.stage_due_on:%m月%d日}"},
        )
    return app


def _stage_due(app: Application) -> date:
    days = app.programme.rules.get("stage_days", {}).get(app.stage, 5)
    return _working_day_end(today(), int(days))


def _approved_this_year(app: Application) -> Decimal:
    year = today().year
    got = (
        Application.objects.filter(
            programme=app.programme,
            id_hash=app.id_hash,
            status__in=(Status.REVIEWED, Status.PUBLICITY, Status.APPROVED, Status.PAID),
            submitted_at__year=year,
        )
        .exclude(pk=app.pk)
        .aggregate(s=Sum("amount"))["s"]
    )
    return got or Decimal("0")


def decide(user, pk, action: str, *, items=None, note: str = "", reason: str = "", request=None):
    """Approve, return (with the items to fix) or reject at the case's current stage."""
    with transaction.atomic():
        app = access.get_application_for(user, pk, write=True)
        tr = WORKFLOW.check(app, table_action(action, app.status), user)
        note = (note or "").strip()
        codes: list[str] = []
        if action == "approve" and tr.action != "approve_final":
            round_start = app.events.filter(action="submit").order_by("-at", "-id").first()
            if app.events.filter(
                action__startswith="approve",
                actor=user,
                id__gt=round_start.id if round_start else 0,
            ).exists():
                raise Forbidden(
                    _("同一人不能审核同一申请的两个环节，请由上级工会其他人员审核。"),
                    code="same_reviewer",
                )
        if action == "return":
            codes = [str(c) for c in (items or [])]
            known = rules.material_codes(app.programme.rules)
            unknown = [c for c in codes if c not in known]
            if not codes or unknown:
                raise ValidationError(
                    _("请选择需要补正的材料（清单中的项目）：%(bad)s")
                    % {"bad": "、".join(unknown) or _("未选择")},
                    code="invalid_items",
                )
            app.returned_items = sorted(set(codes))
        if action == "reject":
            reason = (reason or "").strip()
            if not reason:
                raise ValidationError(_("不予救助须写明理由。"), code="reason_required")
            note = reason
        if tr.action == "approve_final":
            pub = app.publicity
            if pub is None or today() <= pub.ends_on:
                raise Conflict(_("公示期未满，不能批准。"), code="publicity_running")
        app.status = tr.target
        if tr.target in STAGE_OF:
            app.stage = STAGE_OF[tr.target]
            app.stage_due_on = _stage_due(app)
        if tr.action == "approve_district":
            amount = rules.band_amount(app.programme.rules, app.facts)
            capped = rules.capped_amount(app.programme.rules, amount, _approved_this_year(app))
            app.amount = capped.quantize(Decimal("0.01"))
        app.save()
        _event(app, tr.action, tr.label, actor=user, note=note, items=codes)
        audit.record(
            f"care.application.{tr.action}",
            actor=user,
            obj=app,
            request=request,
            note=note,
            items=codes,
        )
        if tr.target == Status.RETURNED:
            names = [m.name for m in rules.materials(app.programme.rules) if m.code in codes]
            _sms(
                app,
                _("【工会帮扶】您的申请需要补正：%(items)s。请登录补交后重新提交。")
                % {"items": "、".join(names)},
            )
        elif tr.target == Status.REJECTED:
            _sms(app, _("【工会帮扶】您的申请未获通过，理由：%(r)s") % {"r": note[:60]})
        else:
            _sms(app, _("【工会帮扶】您的申请进度：%(s)s。") % {"s": Status(app.status).label})
    return app


BULK_LIMIT = 1000


def bulk_approve(user, application_ids, *, request=None) -> list[Application]:
    """Approve a batch at each application's current stage in one transaction: all or
    none. If any one is refused (out of scope, wrong status, role, two pairs of eyes,
    公示 running …) nothing is stored and the refusal lists every failure with its
    reason, so the reviewer fixes the batch and sends it again."""
    from gonghui.core.errors import error_message

    ids = list(dict.fromkeys(int(i) for i in application_ids or []))
    if not ids:
        raise ValidationError(_("请选择要批量审核的申请。"), code="no_applications")
    if len(ids) > BULK_LIMIT:
        raise ValidationError(_("一次最多批量审核%(n)s件。") % {"n": BULK_LIMIT}, code="too_many")
    failures, done = [], []
    with transaction.atomic():
        # Lock the batch in id order first, so two batches cannot deadlock each other.
        list(
            access.visible_applications(user)
            .select_for_update(of=("self",))
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            try:
                done.append(decide(user, pk, "approve", request=request))
            except Http404:
                failures.append(
                    {"id": pk, "code": "not_found", "detail": _("没有这件申请或无权查看。")}
                )
            except (ServiceError, ValidationError) as exc:
                code = getattr(exc, "code", None) or "invalid"
                failures.append({"id": pk, "code": code, "detail": error_message(exc)})
        if failures:
            # Raising inside the atomic block rolls back every approval of the batch.
            raise Conflict(
                _("批量审核未执行：%(n)s件不能通过，全部未作更改。") % {"n": len(failures)},
                code="batch_refused",
                fields={"failures": failures},
            )
    return done


def override_amount(user, pk, amount, reason: str, *, request=None) -> Application:
    """Change the amount fixed at the district's approval, before 公示 (``reviewed``),
    by the district's supervisor or admin, with a reason; audited with the old and new
    amount. The yearly cap still holds."""
    from gonghui.care.workflow import DECIDERS
    from gonghui.orgs.access import has_role

    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("调整金额须写明理由。"), code="reason_required")
    money = _money(amount, _("救助金额"))
    with transaction.atomic():
        app = access.get_application_for(user, pk, write=True)
        if app.status != Status.REVIEWED:
            raise Conflict(
                _("只有审核通过、尚未公示的申请可以调整金额。"), code="invalid_transition"
            )
        if not has_role(user, DECIDERS, app.district):
            raise Forbidden(_("您的岗位不能对该事项进行此操作。"), code="forbidden_role")
        room = rules.capped_amount(app.programme.rules, money, _approved_this_year(app))
        if room < money:
            raise ValidationError(
                _("金额超过本年度救助上限，最多可批%(m)s元。") % {"m": f"{room:.2f}"},
                code="above_cap",
            )
        old = app.amount
        app.amount = money
        app.save(update_fields=["amount", "updated_at"])
        _event(
            app,
            "override_amount",
            _("调整救助金额：%(old)s → %(new)s元") % {"old": old, "new": money},
            actor=user,
            note=reason,
            public=False,
        )
        audit.record(
            "care.application.override_amount",
            actor=user,
            obj=app,
            request=request,
            old=str(old),
            new=str(money),
            reason=reason,
        )
    return app


def publicise(user, application_ids, starts_on: date, *, request=None) -> Publicity:
    """Put reviewed applications on 公示 for the programme's N working days from
    ``starts_on`` (counted on the Chinese calendar: holidays skipped, make-up days count)."""
    ids = sorted({int(i) for i in application_ids or []})
    if not ids:
        raise ValidationError(_("请选择要公示的申请。"), code="no_applications")
    if starts_on < today():
        raise ValidationError(_("公示开始日期不能早于今天。"), code="invalid_date")
    with transaction.atomic():
        apps = list(
            access.visible_applications(user).select_for_update(of=("self",)).filter(pk__in=ids)
        )
        if len(apps) != len(ids):
            raise Http404
        districts = {a.district_id for a in apps}
        if len(districts) != 1:
            raise ValidationError(_("一次公示只能包含同一个区的申请。"), code="mixed_districts")
        for a in apps:
            WORKFLOW.check(a, "publicise", user)
        days = int(apps[0].programme.rules.get("publicity_days", 5))
        ends_on = publicity_end(starts_on, days)
        pub = Publicity.objects.create(
            org=apps[0].district, starts_on=starts_on, ends_on=ends_on, days=days, created_by=user
        )
        for a in apps:
            a.status = Status.PUBLICITY
            a.publicity = pub
            a.save(update_fields=["status", "publicity", "updated_at"])
            _event(a, "publicise", _("公示至%(d)s") % {"d": f"{ends_on:%Y-%m-%d}"}, actor=user)
            _sms(
                a,
                _("【工会帮扶】您的申请已审核通过，公示期至%(d)s。") % {"d": f"{ends_on:%m月%d日}"},
            )
        audit.record("care.publicity.create", actor=user, obj=pub, request=request, ids=ids)
    return pub


def mask_name(name: str) -> str:
    """A name as the 公示 shows it: the surname, then one * per other character."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def on_publicity_now(pk) -> Application:
    """An application whose 公示 is running today (what any signed-in worker may object
    to), or 404."""
    now = today()
    app = (
        Application.objects.select_for_update(of=("self",))
        .select_related("publicity", "programme", "org", "district")
        .filter(
            pk=pk,
            status__in=(Status.PUBLICITY, Status.OBJECTED),
            publicity__starts_on__lte=now,
            publicity__ends_on__gte=now,
        )
        .first()
    )
    if app is None:
        raise Http404
    return app


def raise_objection(principal, pk, reason: str, *, publicity_id=None, request=None):
    """Record an objection to an application on 公示 and hold it (``objected``) until the
    district answers. Any signed-in worker may object while the window is open (the
    applicant not to their own); staff record one received by letter or phone."""
    from gonghui.care.choices import ObjectionStatus
    from gonghui.care.models import Objection

    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError(_("请写明异议的内容（至少5个字）。"), code="reason_required")
    is_worker = isinstance(principal, Worker)
    with transaction.atomic():
        if is_worker:
            app = on_publicity_now(pk)
        else:
            app = access.get_application_for(principal, pk, write=True)
            pub = app.publicity
            if app.status not in (Status.PUBLICITY, Status.OBJECTED) or not (
                pub and pub.starts_on <= today() <= pub.ends_on
            ):
                raise Conflict(_("该申请不在公示期内，不能登记异议。"), code="publicity_closed")
        if publicity_id is not None and app.publicity_id != publicity_id:
            raise Http404
        if is_worker and app.worker_id == principal.pk:
            raise ValidationError(_("不能对自己的申请提出异议。"), code="own_application")
        if (
            is_worker
            and Objection.objects.filter(
                application=app, worker=principal, status=ObjectionStatus.OPEN
            ).exists()
        ):
            raise Conflict(_("您对该申请的异议正在核查中。"), code="already_objected")
        actor = None if is_worker else principal
        objection = Objection.objects.create(
            application=app,
            publicity=app.publicity,
            reason=reason[:500],
            worker=principal if is_worker else None,
            recorded_by=actor,
        )
        if app.status == Status.PUBLICITY:
            tr = WORKFLOW.check(app, "object", actor)
            app.status = tr.target
            app.save(update_fields=["status", "updated_at"])
            # The applicant sees that an objection is being checked, never who raised it.
            _event(app, tr.action, tr.label, actor=actor)
            _sms(app, _("【工会帮扶】您的申请在公示期间收到异议，工会正在核查，请留意后续通知。"))
        audit.record(
            "care.objection.create", actor=actor, obj=app, request=request, objection=objection.pk
        )
    return objection


def answer_objection(user, pk, action: str, answer: str, *, request=None):
    """The district answers an objection: ``uphold`` rejects the application with the
    answer as the reason (every open objection on it is answered with it); ``dismiss``
    puts the application back on 公示 once no other objection is open."""
    from gonghui.care.choices import ObjectionStatus
    from gonghui.care.models import Objection

    if action not in ("uphold", "dismiss"):
        raise Http404
    answer = " ".join((answer or "").split())
    if not answer:
        raise ValidationError(_("请写明核查结论。"), code="answer_required")
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .filter(pk=pk, application__in=access.visible_applications(user))
            .first()
        )
        if objection is None:
            raise Http404
        app = access.get_application_for(user, objection.application_id, write=True)
        if objection.status != ObjectionStatus.OPEN:
            raise Conflict(_("该异议已答复。"), code="invalid_transition")
        tr = WORKFLOW.check(app, f"{action}_objection", user)
        now = timezone.now()
        answered = [objection]
        if action == "uphold":
            answered = list(
                Objection.objects.select_for_update(of=("self",))
                .filter(application=app, status=ObjectionStatus.OPEN)
                .select_related("worker")
            )
        for o in answered:
            o.status = ObjectionStatus.UPHELD if action == "uphold" else ObjectionStatus.DISMISSED
            o.answer, o.answered_by, o.answered_at = answer[:500], user, now
            o.save(update_fields=["status", "answer", "answered_by", "answered_at"])
            if o.worker_id and o.worker.phone:
                queue_sms(
                    o.worker.phone,
                    _("【工会帮扶】您对公示提出的异议已核查：%(r)s。") % {"r": answer[:60]},
                )
        still_open = Objection.objects.filter(application=app, status=ObjectionStatus.OPEN)
        if action == "uphold" or not still_open.exists():
            app.status = tr.target
            app.save(update_fields=["status", "updated_at"])
            _event(app, tr.action, tr.label, actor=user, note=answer if action == "uphold" else "")
            if action == "uphold":
                _sms(app, _("【工会帮扶】您的申请未获通过，理由：%(r)s") % {"r": answer[:60]})
            else:
                _sms(app, _("【工会帮扶】公示异议经核查不成立，您的申请继续办理。"))
        objection.refresh_from_db()
        audit.record(
            f"care.objection.{action}",
            actor=user,
            obj=app,
            request=request,
            objection=objection.pk,
            answer=answer,
        )
    return objection


def publicity_end(starts_on: date, days: int) -> date:
    """The last of ``days`` working days beginning on ``starts_on`` (itself counted if it
    is a working day)."""
    return _working_day_end(starts_on - timedelta(days=1), days)


# --- hardship files (一户一档) ---------------------------------------------------------------

# A household is below the line when its income per head is under the district's
# minimum-living line times this multiplier (Beijing's unions use 1.5 for 低保边缘).
LINE_MULTIPLIER = Decimal("1.5")
REVIEW_EVERY = timedelta(days=365)


def _money(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("%(f)s应填数字。") % {"f": field}, code="invalid_amount") from exc
    if not number.is_finite() or number < 0 or number > rules.MAX_MONEY:
        raise ValidationError(
            _("%(f)s不能为负数或超过一千万。") % {"f": field}, code="invalid_amount"
        )
    return number.quantize(Decimal("0.01"))


def _already_on_file(id_hash: str) -> ServiceError | None:
    other = (
        HouseholdMember.objects.filter(id_hash=id_hash, active=True)
        .select_related("file__org")
        .first()
    )
    if other is None:
        return None
    # Name the other file's union only: its contents are not this union's to read.
    return Conflict(
        _("此人已在“%(org)s”的困难职工档案中，一人只能在一份在档档案中。")
        % {"org": other.file.org.name},
        code="already_on_file",
    )


def create_file(
    user,
    org: Org,
    *,
    category: str,
    people: list[dict],
    causes: str = "",
    union_opinion: str = "",
    request=None,
) -> HardshipFile:
    """Open one household's file; each person's ID number may be on one active file only."""
    from gonghui.care.choices import HardshipCategory, Relation

    require_staff_role(user, org)
    if category not in HardshipCategory.values:
        raise ValidationError(_("请选择困难类别。"), code="invalid_category")
    if not people:
        raise ValidationError(_("请至少填写一名家庭成员。"), code="no_people")
    rows, seen = [], set()
    for p in people:
        name = " ".join(str(p.get("name") or "").split())
        if not 2 <= len(name) <= 20:
            raise ValidationError(_("请填写家庭成员的真实姓名。"), code="invalid_name")
        number = pii.normalize_id_number(str(p.get("id_number") or ""))
        if number in seen:
            raise ValidationError(_("同一身份证号填写了两次。"), code="duplicate_person")
        seen.add(number)
        relation = str(p.get("relation") or Relation.OTHER)
        if relation not in Relation.values:
            raise ValidationError(_("请选择与户主的关系。"), code="invalid_relation")
        rows.append(
            HouseholdMember(
                name=name,
                id_number=number,
                relation=relation,
                income=_money(p.get("income", 0), _("月收入")),
                health=str(p.get("health") or "")[:100],
                work=str(p.get("work") or "")[:100],
            )
        )
    for row in rows:
        refusal = _already_on_file(pii.digest(pii.ID_NUMBER, row.id_number))
        if refusal:
            raise refusal
    try:
        with transaction.atomic():
            f = HardshipFile.objects.create(
                org=org,
                category=category,
                causes=causes[:300],
                union_opinion=union_opinion[:500],
                monthly_income=sum((r.income for r in rows), Decimal("0")),
                review_on=today() + REVIEW_EVERY,
            )
            for row in rows:
                row.file = f
                row.save()
            audit.record("care.file.create", actor=user, obj=f, request=request, people=len(rows))
    except IntegrityError as exc:  # a file made at the same moment took the person
        for row in rows:
            refusal = _already_on_file(pii.digest(pii.ID_NUMBER, row.id_number))
            if refusal:
                raise refusal from exc
        raise
    return f


def close_file(user, pk, reason: str, *, request=None) -> HardshipFile:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("出档须写明原因。"), code="reason_required")
    with transaction.atomic():
        f = access.get_file_for(user, pk, write=True)
        require_staff_role(user, f.org)
        if f.status != FileStatus.ACTIVE:
            raise Conflict(_("该档案已出档。"), code="invalid_transition")
        f.status, f.closed_reason = FileStatus.CLOSED, reason[:300]
        f.save(update_fields=["status", "closed_reason"])
        f.people.update(active=False)
        audit.record("care.file.close", actor=user, obj=f, request=request, reason=reason)
    return f


def assess(f: HardshipFile) -> dict:
    """Income per head against the district's line for the year (None: no line entered)."""
    from gonghui.care.models import MinimumLivingLine

    size = f.people.count() or 1
    per_head = (f.monthly_income / size).quantize(Decimal("0.01"))
    _street, district = review_orgs(f.org)
    line = MinimumLivingLine.objects.filter(district=district, year=today().year).first()
    threshold = (line.monthly * LINE_MULTIPLIER).quantize(Decimal("0.01")) if line else None
    return {
        "per_head": str(per_head),
        "line": str(line.monthly) if line else None,
        "threshold": str(threshold) if threshold is not None else None,
        "below_line": per_head < threshold if threshold is not None else None,
    }


def aid_on_file(f: HardshipFile) -> list[dict]:
    """Aid given to the household's people from every relief programme."""
    hashes = list(f.people.values_list("id_hash", flat=True))
    apps = Application.objects.filter(
        id_hash__in=hashes, status__in=(Status.APPROVED, Status.PAID)
    ).select_related("programme")
    return [
        {
            "application": a.pk,
            "programme": a.programme.name,
            "amount": str(a.amount),
            "status": a.status,
        }
        for a in apps
    ]


# --- mutual-aid claims (医疗互助) ------------------------------------------------------------


def bill_key(hospital: str, number: str) -> str:
    normal = f"{''.join(hospital.split())}|{''.join(number.split()).upper()}"
    return hashlib.sha256(normal.encode()).hexdigest()


def create_claim(user, member: Member, bills: list[dict], *, request=None) -> Claim:
    """A claim with its bills; a bill (hospital + number) already paid is flagged and only
    its unpaid rest, if any, is covered, so no bill is paid twice beyond its amount."""
    require_staff_role(user, member.org)
    plan = Programme.objects.get(code="mutual_aid").rules
    if not bills:
        raise ValidationError(_("请至少填写一张医疗票据。"), code="no_bills")
    checked, keys = [], set()
    for b in bills:
        number = str(b.get("number") or "").strip()[:40]
        hospital = str(b.get("hospital") or "").strip()[:100]
        if not number or not hospital:
            raise ValidationError(_("每张票据须填写票据号和医院。"), code="invalid_bill")
        amount = _money(b.get("amount"), _("票据金额"))
        if amount <= 0:
            raise ValidationError(_("票据金额须大于零。"), code="invalid_amount")
        self_paid = _money(b.get("self_paid", amount), _("个人支付金额"))
        if self_paid > amount:
            raise ValidationError(
                _("票据%(n)s的个人支付金额超过了票据金额。") % {"n": number},
                code="amount_above_bill",
            )
        try:
            on = date.fromisoformat(str(b.get("date")))
        except ValueError as exc:
            raise ValidationError(_("请填写就诊日期（年-月-日）。"), code="invalid_date") from exc
        if on > today():
            raise ValidationError(_("就诊日期不能晚于今天。"), code="invalid_date")
        key = bill_key(hospital, number)
        if key in keys:
            raise ValidationError(
                _("同一张票据填写了两次：%(n)s。") % {"n": number}, code="duplicate_bill"
            )
        keys.add(key)
        checked.append((number, hospital, on, amount, self_paid, key))
    from gonghui.care.enrolment import check_cover

    check_cover(member, [(c[0], c[2]) for c in checked])
    with transaction.atomic():
        # Lock the member's earlier bills so two claims at once cannot both pay one bill.
        list(Member.objects.select_for_update().filter(pk=member.pk))
        flags, rows, base = [], [], Decimal("0")
        for number, hospital, on, amount, self_paid, key in checked:
            prior = Bill.objects.filter(key=key).exclude(
                claim__status=ClaimStatus.REJECTED
            ).aggregate(s=Sum("covered"))["s"] or Decimal("0")
            covered = max(Decimal("0"), min(self_paid, amount - prior))
            if prior > 0:
                flags.append(
                    {
                        "code": "bill_already_paid",
                        "number": number,
                        "hospital": hospital,
                        "already_paid": str(prior),
                        "covered_now": str(covered),
                    }
                )
            base += covered
            rows.append(
                Bill(
                    number=number,
                    hospital=hospital,
                    date=on,
                    amount=amount,
                    covered=covered,
                    key=key,
                )
            )
        year_paid = Claim.objects.filter(member=member, created_at__year=today().year).exclude(
            status=ClaimStatus.REJECTED
        ).aggregate(s=Sum("payout"))["s"] or Decimal("0")
        payout = max(Decimal("0"), base - Decimal(str(plan["deductible"]))) * Decimal(plan["ratio"])
        payout = min(payout, max(Decimal("0"), Decimal(str(plan["cap_per_year"])) - year_paid))
        claim = Claim.objects.create(
            member=member,
            org=member.org,
            claimed=sum((r[4] for r in checked), Decimal("0")),
            payout=payout.quantize(Decimal("0.01")),
            flags=flags,
            created_by=user,
        )
        for row in rows:
            row.claim = claim
        Bill.objects.bulk_create(rows)
        audit.record("care.claim.create", actor=user, obj=claim, request=request, flags=len(flags))
    return claim


# --- care campaigns (送温暖、送清凉) -----------------------------------------------------------


def create_campaign(
    user,
    org: Org,
    *,
    name: str,
    kind: str,
    groups: list[str],
    starts_on: date,
    ends_on: date,
    request=None,
):
    from gonghui.care.choices import CampaignKind, TargetGroup
    from gonghui.care.models import Campaign

    require_staff_role(user, org)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("请填写活动名称。"), code="invalid_name")
    if kind not in CampaignKind.values:
        raise ValidationError(_("请选择活动类型。"), code="invalid_kind")
    if not groups or any(g not in TargetGroup.values for g in groups):
        raise ValidationError(_("请选择慰问对象。"), code="invalid_groups")
    if ends_on < starts_on:
        raise ValidationError(_("结束日期不能早于开始日期。"), code="invalid_range")
    with transaction.atomic():
        c = Campaign.objects.create(
            name=name[:80],
            kind=kind,
            org=org,
            groups=sorted(set(groups)),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit.record("care.campaign.create", actor=user, obj=c, request=request)
    return c


def record_distribution(
    user,
    campaign,
    org: Org,
    *,
    name: str,
    id_number: str,
    group: str,
    what: str,
    amount,
    given_on: date,
    place: str = "",
    request=None,
):
    """Record one care visit; a person already counted in the campaign is refused (409)."""
    from gonghui.care.models import Distribution

    require_staff_role(user, org)
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 20:
        raise ValidationError(_("请填写慰问对象的真实姓名。"), code="invalid_name")
    number = pii.normalize_id_number(id_number)
    if group not in campaign.groups:
        raise ValidationError(_("该活动没有这一类慰问对象。"), code="invalid_group")
    if not (what or "").strip():
        raise ValidationError(_("请填写慰问品或慰问金。"), code="invalid_what")
    money = _money(amount, _("折合金额"))
    if not campaign.starts_on <= given_on <= campaign.ends_on:
        raise ValidationError(_("发放日期不在活动期间内。"), code="invalid_date")
    if not org.path.startswith(campaign.org.path):
        raise ValidationError(_("发放工会不在活动范围内。"), code="invalid_org")
    already = Conflict(
        _("此人已在本次活动中慰问过，同一活动每人只计一次。"), code="already_counted"
    )
    id_hash = pii.digest(pii.ID_NUMBER, number)
    if Distribution.objects.filter(campaign=campaign, id_hash=id_hash).exists():
        raise already
    try:
        with transaction.atomic():
            d = Distribution.objects.create(
                campaign=campaign,
                org=org,
                name=name,
                id_number=number,
                group=group,
                what=what.strip()[:100],
                amount=money,
                place=(place or "")[:100],
                given_on=given_on,
                given_by=user,
            )
            audit.record(
                "care.campaign.distribute",
                actor=user,
                obj=campaign,
                request=request,
                distribution=d.pk,
            )
    except IntegrityError as exc:  # the same person recorded at the same moment
        raise already from exc
    return d


def coverage(campaign, *, principal) -> dict:
    """Visits and amount by district and by target group (for the map and the export),
    counting the visits inside the person's scope."""
    from gonghui.care.models import Distribution
    from gonghui.orgs.access import scoped

    by_group = {}
    by_district: dict[str, dict] = {}
    districts = {}
    visits = scoped(Distribution.objects.filter(campaign=campaign), principal, "org__path")
    for d in visits.select_related("org"):
        g = by_group.setdefault(d.group, {"visits": 0, "amount": Decimal("0")})
        g["visits"] += 1
        g["amount"] += d.amount
        if d.org_id not in districts:
            districts[d.org_id] = review_orgs(d.org)[1]
        dist = districts[d.org_id]
        row = by_district.setdefault(
            dist.admin_code or str(dist.pk),
            {"name": dist.name, "visits": 0, "amount": Decimal("0")},
        )
        row["visits"] += 1
        row["amount"] += d.amount
    for bucket in (*by_group.values(), *by_district.values()):
        bucket["amount"] = str(bucket["amount"])
    return {"by_group": by_group, "by_district": by_district}


def approve_claim(user, pk, *, request=None) -> Claim:
    """A union's reviewer confirms a claim's payout (submitted → approved); the bulk
    payment job then pays it."""
    from gonghui.orgs.access import has_role
    from gonghui.orgs.choices import Role

    with transaction.atomic():
        claim = access.visible_claims(user).select_for_update(of=("self",)).filter(pk=pk).first()
        if claim is None:
            raise Http404
        if claim.status != ClaimStatus.SUBMITTED:
            raise Conflict(_("该理赔已审核。"), code="invalid_transition")
        if not has_role(user, {Role.HANDLER, Role.SUPERVISOR, Role.ADMIN}, claim.org):
            raise Forbidden(_("您的岗位不能对该事项进行此操作。"), code="forbidden_role")
        claim.status = ClaimStatus.APPROVED
        claim.save(update_fields=["status"])
        audit.record(
            "care.claim.approve",
            actor=user,
            obj=claim,
            request=request,
            payout=str(claim.payout),
            flags=len(claim.flags),
        )
    return claim
