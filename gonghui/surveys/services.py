"""Every write of surveys and needs: one transaction with its audit event (and outbox
row when someone is told), after locking the row it changes."""

import hashlib
import json
import time
import uuid
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, outbox, throttle
from gonghui.core.errors import Conflict
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
    SurveyQuota,
    SurveyVersion,
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
    return save_definition(
        actor,
        org,
        definition,
        data,
        filename,
        anonymous=anonymous,
        survey=survey,
        audience=audience,
        request=request,
    )


def create_from_builder(
    actor,
    org: Org,
    title: str,
    rows: list[dict],
    *,
    anonymous: bool,
    audience: str = Audience.MEMBERS,
    survey: Survey | None = None,
    request=None,
) -> tuple[Survey, SurveyVersion]:
    """Make a survey (or a new version) from the console builder's rows; raises
    ``builder.BuildErrors``. The rows are kept as the version's source, with their hash."""
    from gonghui.surveys import builder

    definition = builder.build(title, rows)
    data = json.dumps({"title": title, "rows": rows}, ensure_ascii=False).encode()
    return save_definition(
        actor,
        org,
        definition,
        data,
        "builder.json",
        anonymous=anonymous,
        survey=survey,
        audience=audience,
        request=request,
    )


def save_definition(
    actor,
    org: Org,
    definition: dict,
    data: bytes,
    filename: str,
    *,
    anonymous: bool,
    survey: Survey | None = None,
    audience: str = Audience.MEMBERS,
    request=None,
) -> tuple[Survey, SurveyVersion]:
    """Store a checked definition as a new survey, or as version n+1 of ``survey``."""
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


def worker_for_bearer(raw: str):
    """The worker of a live bearer token, or None, with the union of their active
    membership fetched in the same statement (the answer path asks for both)."""
    from gonghui.accounts.models import AccessToken
    from gonghui.accounts.services import live_tokens
    from gonghui.members.choices import MemberStatus
    from gonghui.members.models import Member

    if not raw:
        return None
    member = Member.objects.filter(worker=OuterRef("worker_id"), status=MemberStatus.ACTIVE)
    token = (
        live_tokens(raw, AccessToken.Kind.WORKER)
        .select_related("worker")
        .annotate(
            member_org_id=Subquery(member.values("org_id")[:1]),
            member_org_path=Subquery(member.values("org__path")[:1]),
        )
        .first()
    )
    if token is None:
        return None
    worker = token.worker
    # Only the key and the path are read on this path (scope check, answer's union).
    worker._survey_member_org = (
        Org(pk=token.member_org_id, path=token.member_org_path) if token.member_org_id else None
    )
    return worker


def survey_for_respondent(pk, *, worker=None, token: str | None = None):
    """The open survey a worker (a member in its subtree) or a public token may answer,
    with the distribution; Http404 for anything else."""
    quota_cells = SurveyQuota.objects.filter(survey=OuterRef("pk")).values(
        cell=JSONObject(pk="pk", question="question", value="value")
    )
    survey = (
        Survey.objects.select_related("org", "current")
        .defer("org__boundary")
        .filter(pk=pk, status=SurveyStatus.OPEN)
    )
    if connection.vendor == "postgresql":
        survey = survey.annotate(quota_cells=ArraySubquery(quota_cells))  # same statement
    survey = survey.first()
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


def _throttle(survey: Survey, ip: str) -> None:
    """Count one public answer from ``ip`` on ``survey`` (core's one-statement counter,
    shared by every process); 429 past ``PUBLIC_PER_MINUTE``. Counted before the answer's
    write, so a refusal does not undo its own count."""
    limit = throttle.Limit("survey_public", PUBLIC_PER_MINUTE, 60)
    throttle.check(
        limit, f"{survey.pk}:{ip}", message=_("提交过于频繁，请稍后再试。"), code="throttled"
    )


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
        _throttle(survey, ip)
    org = _member_org(worker) if worker is not None else None
    cells = set(tallies.cells(version.definition, stored))
    quotas = [q["pk"] for q in _quota_cells(survey) if (q["question"], q["value"]) in cells]
    try:
        if quotas:
            # The cells' places and the answer in one transaction: a refused answer (full
            # cell, second answer) gives its places back by rolling back.
            with transaction.atomic():
                _take_quota_places(quotas)
                _store(survey, version, stored, worker, org, distribution, seconds, machine)
        elif connection.in_atomic_block:
            # Inside a caller's transaction a failed statement needs a savepoint to undo.
            with transaction.atomic():
                _store(survey, version, stored, worker, org, distribution, seconds, machine)
        else:
            _store(survey, version, stored, worker, org, distribution, seconds, machine)
    except IntegrityError:
        raise Conflict(_("您已经填写过这份问卷。"), code="already_answered") from None
    return stored


def _quota_cells(survey: Survey) -> list[dict]:
    cells = getattr(survey, "quota_cells", None)  # fetched with the survey on the API path
    if cells is None:
        cells = list(SurveyQuota.objects.filter(survey=survey).values("pk", "question", "value"))
    return cells


def _store_orm(survey, version, stored, worker, org, distribution, seconds, machine) -> None:
    """The same rows as ``_store`` through the ORM, for SQLite (``make run``'s default)."""
    path = (_coarse_path(org.path) if survey.anonymous else org.path) if org else ""
    sql, params = tallies.upsert_sql(survey, path, version.definition, stored)
    with transaction.atomic():
        if survey.anonymous:
            if worker is not None:
                Participation.objects.create(survey=survey, worker=worker)
            AnonymousResponse.objects.create(
                survey=survey,
                version=version,
                org_path=path,
                answers=stored,
                possible_machine=machine,
                submitted_on=timezone.localdate(),
            )
            audit.record("surveys.answered_anonymously", obj=survey)
        else:
            response = Response.objects.create(
                survey=survey,
                version=version,
                worker=worker,
                org=org,
                org_path=path,
                distribution=distribution,
                answers=stored,
                seconds=seconds,
                possible_machine=machine,
            )
            audit.record(
                "surveys.answered",
                obj=response,
                org=survey.org,
                actor_label=f"worker:{worker.pk}" if worker is not None else "public",
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _take_quota_places(pks: list[int]) -> None:
    """Take one place in each quota cell, or raise 409 ``quota_full``; the conditional
    UPDATE locks the rows, so two answers for the last place cannot both get it."""
    taken = (
        SurveyQuota.objects.filter(pk__in=pks, filled__lt=F("cap"))
        .order_by("pk")
        .update(filled=F("filled") + 1)
    )
    if taken != len(pks):
        raise Conflict(_("该类答卷已达到配额，感谢您的关注。"), code="quota_full")


def set_quota(actor, survey: Survey, question: str, value: str, cap: int, *, request=None):
    """Add or change a quota cell of ``survey`` (``question`` empty: all sheets)."""
    definition = survey.current.definition if survey.current else {"questions": []}
    names = {q["name"] for q in definition["questions"]}
    if question and question not in names:
        raise ValidationError(_("问卷中没有这道题。"), code="unknown_question")
    if not 1 <= cap <= 10_000_000:
        raise ValidationError(_("配额应为正整数。"), code="invalid_cap")
    with transaction.atomic():
        quota, _created = SurveyQuota.objects.select_for_update().get_or_create(
            survey=survey, question=question[:100], value=value[:200], defaults={"cap": cap}
        )
        if quota.filled > cap:
            raise Conflict(_("已收答卷多于新的配额。"), code="quota_below_filled")
        quota.cap = cap
        quota.save(update_fields=["cap"])
        audit.record(
            "surveys.quota",
            actor=actor,
            obj=survey,
            request=request,
            question=question,
            value=value,
            cap=cap,
        )
    return quota


def _store(survey, version, stored, worker, org, distribution, seconds, machine) -> None:
    """Write an answer sheet, its result cells and its audit row in ONE statement (data-
    modifying CTEs): all or nothing without a transaction round trip, and the unique
    constraint still decides a race (the statement fails as a whole, IntegrityError).

    Anonymous: the participation, the answer (random key, date only, street-level union)
    and an audit row with no actor and no answer id, so nothing joins the two.
    """
    from gonghui.core.models import AuditLog

    if connection.vendor != "postgresql":
        _store_orm(survey, version, stored, worker, org, distribution, seconds, machine)
        return
    now = timezone.now()
    tally_sql, tally_params = tallies.upsert_sql(
        survey,
        _coarse_path(org.path) if org and survey.anonymous else (org.path if org else ""),
        version.definition,
        stored,
    )
    audit_table = AuditLog._meta.db_table
    audit_cols = "at, actor_id, actor_label, action, object_type, object_id, org_path, ip, detail"
    answers = json.dumps(stored, ensure_ascii=False)
    if survey.anonymous:
        parts, params = [], []
        if worker is not None:
            parts.append(
                f"p AS (INSERT INTO {Participation._meta.db_table} (id, survey_id, worker_id) "  # noqa: S608 - table names are the models'
                "VALUES (%s, %s, %s))"
            )
            params += [uuid.uuid4(), survey.pk, worker.pk]
        parts.append(
            f"r AS (INSERT INTO {AnonymousResponse._meta.db_table} (id, survey_id, version_id, "  # noqa: S608 - table names are the models'
            "org_path, answers, possible_machine, submitted_on) "
            "VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s))"
        )
        params += [
            uuid.uuid4(),
            survey.pk,
            version.pk,
            _coarse_path(org.path) if org else "",
            answers,
            machine,
            timezone.localdate(),
        ]
        parts.append(f"t AS ({tally_sql})")
        params += tally_params
        parts.append(
            f"a AS (INSERT INTO {audit_table} ({audit_cols}) "  # noqa: S608
            "VALUES (%s, NULL, '', 'surveys.answered_anonymously', 'surveys.survey', %s, %s, "
            "NULL, '{}'::jsonb))"
        )
        params += [now, str(survey.pk), survey.org.path]
        sql = "WITH " + ", ".join(parts) + " SELECT 1"
    else:
        sql = (
            f"WITH r AS (INSERT INTO {Response._meta.db_table} (survey_id, version_id, "  # noqa: S608 - table names are the models'
            "worker_id, org_id, org_path, distribution_id, answers, seconds, possible_machine, "
            "submitted_at) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s) RETURNING id), "
            f"t AS ({tally_sql}), "
            f"a AS (INSERT INTO {audit_table} ({audit_cols}) "
            "SELECT %s, NULL, %s, 'surveys.answered', 'surveys.response', r.id::text, %s, NULL, "
            "'{}'::jsonb FROM r) SELECT id FROM r"
        )
        params = [
            survey.pk,
            version.pk,
            worker.pk if worker is not None else None,
            org.pk if org else None,
            org.path if org else "",
            distribution.pk if distribution is not None else None,
            answers,
            seconds,
            machine,
            now,
            *tally_params,
            now,
            f"worker:{worker.pk}" if worker is not None else "public",
            survey.org.path,
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
