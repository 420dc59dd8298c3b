"""Every write of surveys and needs: one transaction with its audit event (and outbox
row when someone is told), after locking the row it changes."""

import hashlib
import time
from datetime import date

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, outbox
from gonghui.core.errors import Conflict, Throttled
from gonghui.orgs.models import Org
from gonghui.surveys import forms, tallies, xlsform
from gonghui.surveys.access import get_need_for, get_survey_for
from gonghui.surveys.choices import Audience, NeedSource, NeedStatus, SurveyStatus
from gonghui.surveys.models import (
    AnonymousResponse,
    Distribution,
    Need,
    NeedNote,
    Participation,
    Response,
    Survey,
    SurveyVersion,
    ThrottleHit,
)
from gonghui.surveys.workflow import NEED_WORKFLOW

TOKEN_SALT = "gonghui.surveys.distribution"
STARTED_SALT = "gonghui.surveys.started"
MACHINE_SECONDS = 1.0
PUBLIC_PER_MINUTE = 30  # answers per minute from one address on one public survey


# --- surveys ------------------------------------------------------------------------


def import_xlsform(
    actor,
    org: Org,
    data: bytes,
    filename: str,
    *,
    anonymous: bool,
    survey: Survey | None = None,
    audience: str = Audience.MEMBERS,
    request=None,
) -> tuple[Survey, SurveyVersion]:
    """Read an XLSForm into a new survey (or a new version of ``survey``); raises
    ``xlsform.ImportErrors`` with every refused cell."""
    definition = xlsform.parse_xlsform(data)
    with transaction.atomic():
        if survey is None:
            survey = Survey.objects.create(
                org=org,
                title=(definition["title"] or filename.rsplit(".", 1)[0] or _("未命名问卷"))[:200],
                anonymous=anonymous,
                audience=audience,
                created_by=actor,
            )
            number = 1
        else:
            survey = Survey.objects.select_for_update().get(pk=survey.pk)
            number = (
                survey.versions.order_by("-number").values_list("number", flat=True).first() or 0
            ) + 1
        version = SurveyVersion.objects.create(
            survey=survey,
            number=number,
            definition=definition,
            # A version made while the survey is open is answered at once, so frozen at once.
            frozen=survey.status == SurveyStatus.OPEN,
            source_name=filename[:200],
            source_file=data,
            source_sha256=hashlib.sha256(data).hexdigest(),
        )
        survey.current = version
        survey.save(update_fields=["current"])
        audit.record(
            "surveys.imported",
            actor=actor,
            obj=survey,
            request=request,
            version=number,
            sha256=version.source_sha256,
            questions=len(definition["questions"]),
        )
    return survey, version


def set_survey_status(actor, pk, action: str, *, request=None) -> Survey:
    with transaction.atomic():
        survey = get_survey_for(actor, pk, write=True)
        if action == "open":
            if survey.status == SurveyStatus.OPEN or survey.current_id is None:
                raise Conflict(_("问卷已在收集中，或还没有题目。"), code="invalid_transition")
            SurveyVersion.objects.filter(pk=survey.current_id).update(frozen=True)
            survey.status, survey.opened_at = SurveyStatus.OPEN, timezone.now()
        else:
            if survey.status != SurveyStatus.OPEN:
                raise Conflict(_("问卷不在收集中，不能结束。"), code="invalid_transition")
            survey.status, survey.closed_at = SurveyStatus.CLOSED, timezone.now()
        survey.save(update_fields=["status", "opened_at", "closed_at"])
        audit.record(f"surveys.{action}", actor=actor, obj=survey, request=request)
    return survey


REMIND_BATCH = 2000
REMIND_EVERY_HOURS = 24


def remind(actor, pk, *, request=None) -> int:
    """Text the members of the subtree who have not answered (at most REMIND_BATCH, once
    a day per survey); return how many were texted."""
    from datetime import timedelta

    from gonghui.members.choices import MemberStatus
    from gonghui.members.models import Member

    with transaction.atomic():
        survey = get_survey_for(actor, pk, write=True)
        if survey.status != SurveyStatus.OPEN or survey.audience != Audience.MEMBERS:
            raise Conflict(_("只有收集中的会员问卷可以提醒。"), code="invalid_transition")
        now = timezone.now()
        if survey.reminded_at and now - survey.reminded_at < timedelta(hours=REMIND_EVERY_HOURS):
            raise Conflict(_("今天已经提醒过了。"), code="already_reminded")
        answered = (
            (Participation if survey.anonymous else Response)
            .objects.filter(survey=survey, worker__isnull=False)
            .values("worker_id")
        )
        workers = (
            Member.objects.filter(
                org__path__startswith=survey.org.path,
                status=MemberStatus.ACTIVE,
                worker__isnull=False,
            )
            .exclude(worker_id__in=answered)
            .select_related("worker")[:REMIND_BATCH]
        )
        sent = 0
        for member in workers:
            outbox.queue_sms(
                member.worker.phone,
                _("【工会】“%(t)s”问卷正在收集，请在工会H5页面填写。") % {"t": survey.title[:30]},
            )
            sent += 1
        survey.reminded_at = now
        survey.save(update_fields=["reminded_at"])
        audit.record("surveys.reminded", actor=actor, obj=survey, request=request, sent=sent)
    return sent


def create_distribution(actor, survey: Survey, label: str, *, request=None) -> Distribution:
    with transaction.atomic():
        dist = Distribution.objects.create(survey=survey, label=label[:100] or _("公开链接"))
        audit.record(
            "surveys.distribution", actor=actor, obj=survey, request=request, distribution=dist.pk
        )
    return dist


def distribution_token(dist: Distribution) -> str:
    return signing.dumps({"s": dist.survey_id, "d": dist.pk}, salt=TOKEN_SALT, compress=True)


def resolve_token(survey: Survey, token: str) -> Distribution:
    """The distribution a public token was signed for, or Http404 (a wrong token says no
    more than a wrong survey number)."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404 from None
    if not isinstance(data, dict) or data.get("s") != survey.pk:
        raise Http404
    dist = Distribution.objects.filter(pk=data.get("d"), survey=survey, revoked=False).first()
    if dist is None or survey.audience != Audience.PUBLIC:
        raise Http404
    return dist


def started_token() -> str:
    """A signed moment the form was fetched: the server, not the client, says how long
    an answer took."""
    return signing.dumps(time.time(), salt=STARTED_SALT)


def seconds_since(token) -> float | None:
    if not isinstance(token, str):
        return None
    try:
        started = float(signing.loads(token, salt=STARTED_SALT, max_age=86400))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return max(0.0, time.time() - started)


def _member_org(worker) -> Org | None:
    from gonghui.members.choices import MemberStatus
    from gonghui.members.models import Member

    # Asked twice per answer (may they answer, which union to count them in): once is enough.
    if hasattr(worker, "_survey_member_org"):
        return worker._survey_member_org
    member = (
        Member.objects.filter(worker=worker, status=MemberStatus.ACTIVE)
        .select_related("org")
        .defer("org__boundary")
        .first()
    )
    worker._survey_member_org = member.org if member else None
    return worker._survey_member_org


def survey_for_respondent(pk, *, worker=None, token: str | None = None):
    """The open survey a worker (a member in its subtree) or a public token may answer,
    with the distribution; Http404 for anything else."""
    survey = (
        Survey.objects.select_related("org", "current")
        .defer("org__boundary")
        .filter(pk=pk, status=SurveyStatus.OPEN)
        .first()
    )
    if survey is None or survey.current is None:
        raise Http404
    dist = None
    if token:
        dist = resolve_token(survey, token)
    elif survey.audience == Audience.MEMBERS and worker is not None:
        org = _member_org(worker)
        if org is None or not org.path.startswith(survey.org.path):
            raise Http404
    else:
        raise Http404
    return survey, dist


def _throttle(key: str, limit: int) -> None:
    """Count one hit for ``key`` this minute in the database (shared by every process)."""
    minute = int(time.time() // 60)
    with transaction.atomic():
        row, _created = ThrottleHit.objects.get_or_create(key=key[:100], minute=minute)
        ThrottleHit.objects.filter(pk=row.pk).update(hits=F("hits") + 1)
        hits = ThrottleHit.objects.filter(pk=row.pk).values_list("hits", flat=True).first()
    if hits > limit:
        raise Throttled(_("提交过于频繁，请稍后再试。"), code="throttled", retry_after=60)


def _coarse_path(path: str) -> str:
    """An anonymous answer keeps its union only down to the street (3 levels), so a small
    grassroots union cannot be told apart in the table itself."""
    parts = [p for p in path.split("/") if p][:3]
    return "/" + "/".join(parts) + "/" if parts else ""


def submit(
    survey: Survey,
    answers: dict,
    *,
    worker=None,
    distribution: Distribution | None = None,
    started=None,
    ip: str | None = None,
) -> dict:
    """Store one answer sheet; return what was stored. 409 ``already_answered`` on a
    second sheet by the same worker (the unique constraint decides under a race)."""
    version = survey.current
    stored = forms.clean_answers(version.definition, answers)
    seconds = seconds_since(started)
    # No signed start: a program that never fetched the form (flagged on public links).
    machine = (seconds is not None and seconds <= MACHINE_SECONDS) or (
        seconds is None and worker is None
    )
    if worker is None and ip:
        _throttle(
            f"survey:{survey.pk}:{hashlib.sha256(ip.encode()).hexdigest()[:32]}", PUBLIC_PER_MINUTE
        )
    org = _member_org(worker) if worker is not None else None
    try:
        with transaction.atomic():
            if survey.anonymous:
                if worker is not None:
                    Participation.objects.create(survey=survey, worker=worker)
                path = _coarse_path(org.path) if org else ""
                AnonymousResponse.objects.create(
                    survey=survey,
                    version=version,
                    org_path=path,
                    answers=stored,
                    possible_machine=machine,
                    submitted_on=timezone.localdate(),
                )
                tallies.add(survey, path, version.definition, stored)
                # No actor and no answer id: the audit log must not join the two either.
                audit.record("surveys.answered_anonymously", obj=survey)
            else:
                response = Response.objects.create(
                    survey=survey,
                    version=version,
                    worker=worker,
                    org=org,
                    org_path=org.path if org else "",
                    distribution=distribution,
                    answers=stored,
                    seconds=seconds,
                    possible_machine=machine,
                )
                tallies.add(survey, response.org_path, version.definition, stored)
                audit.record(
                    "surveys.answered",
                    obj=response,
                    org=survey.org,
                    actor_label=f"worker:{worker.pk}" if worker is not None else "public",
                )
    except IntegrityError:
        raise Conflict(_("您已经填写过这份问卷。"), code="already_answered") from None
    return stored


# --- needs --------------------------------------------------------------------------


def _note(need: Need, action: str, actor, text: str = "") -> NeedNote:
    return NeedNote.objects.create(need=need, action=action, text=text, actor=actor)


def _text(value, code: str, message: str, limit: int = 2000) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(message, code=code)
    if len(text) > limit:
        raise ValidationError(_("内容过长（最多 %(n)s 字）。") % {"n": limit}, code="too_long")
    return text


def create_need(
    actor,
    org: Org,
    *,
    title: str,
    detail: str = "",
    due: date,
    worker_phone: str | None = None,
    appeal=None,
    response: Response | None = None,
    source: str | None = None,
    request=None,
) -> Need:
    from gonghui.accounts.models import Worker
    from gonghui.core.pii import PHONE, digest, normalize

    title = _text(title, "title_required", _("请填写需求。"), 200)
    phone = normalize(PHONE, str(worker_phone)) if worker_phone else None  # 422 if not a mobile
    worker = None
    source = source or (
        NeedSource.APPEAL if appeal else NeedSource.SURVEY if response else NeedSource.VISIT
    )
    try:
        with transaction.atomic():
            if phone:
                worker = Worker.objects.filter(phone_hash=digest(PHONE, phone)).first()
                if worker is None:
                    worker = Worker(phone=phone)
                    worker.save()
            if appeal is not None and worker is None:
                worker = appeal.worker
            if response is not None and worker is None:
                worker = response.worker
            need = Need.objects.create(
                org=org,
                org_path=org.path,
                title=title,
                detail=(detail or "")[:5000],
                due=due,
                source=source,
                worker=worker,
                appeal=appeal,
                response=response,
                created_by=actor,
            )
            _note(need, "create", actor, need.detail)
            if appeal is not None:
                # The other direction of the link: the appeal's own timeline says so.
                from gonghui.appeals.services import _event

                _event(
                    appeal,
                    "need_created",
                    actor=actor,
                    public=False,
                    note=_("已转入需求清单：%(t)s") % {"t": title},
                    need=need.pk,
                )
            audit.record("needs.created", actor=actor, obj=need, request=request)
    except IntegrityError:
        raise Conflict(_("这条诉求已经转为需求。"), code="already_linked") from None
    return need


def act_on_need(actor, pk, action: str, *, request=None, **data) -> Need:
    with transaction.atomic():
        need = get_need_for(actor, pk, write=True)
        tr = NEED_WORKFLOW.check(need, action, actor)
        text = data.get("note") or ""
        if action == "assign":
            need.assignee = _text(
                data.get("assignee"), "assignee_required", _("请填写承办部门。"), 100
            )
        elif action == "progress":
            text = _text(text, "note_required", _("请填写办理进展。"))
        elif action == "reply":
            need.reply = text = _text(data.get("reply"), "reply_required", _("请填写答复内容。"))
            if need.worker is not None:
                outbox.queue_sms(
                    need.worker.phone,
                    _("【工会】您提出的需求“%(t)s”已有答复：%(r)s")
                    % {"t": need.title[:30], "r": need.reply[:60]},
                )
        elif action == "confirm":
            need.worker_word = "solved"
        elif action == "reopen":
            text = _text(text, "note_required", _("请写明职工认为未解决的情况。"))
            need.worker_word = "not_solved"
        elif action == "close":
            reason = (data.get("reason") or "").strip()
            if need.status == NeedStatus.REPLIED and not need.worker_word:
                if not reason:
                    raise Conflict(
                        _("职工尚未确认，不能办结；无法联系职工时请填写原因。"),
                        code="worker_word_missing",
                    )
                need.unreachable_reason = text = reason[:2000]
            need.closed_at = timezone.now()
        need.status = tr.target
        need.save()
        _note(need, action, actor, text)
        audit.record(f"needs.{action}", actor=actor, obj=need, request=request)
    return need
