"""The bulk payment job of mutual-aid claims: chunked, resumable, idempotent.

``start_payment_job`` counts the approved claims of an org subtree and queues the run
(django-tasks, on commit). ``run_payment_job`` claims the job by conditional update
(as the outbox claims messages), then pays claims in id order, one chunk per
transaction: each claim moves approved → paid by a conditional update, and only a
claim that moved gets its ``PaymentLine`` (unique per claim); the job's cursor and
count move in the same transaction. A crash loses at most the chunk in progress, which
rolls back whole; the retry resumes after the cursor, and a claim already paid does
not match the update again. ``manage.py care_payment_jobs`` resumes stuck jobs.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from gonghui.care.choices import ClaimStatus
from gonghui.care.models import Claim, PaymentJob, PaymentLine
from gonghui.core import audit
from gonghui.orgs.models import Org

CHUNK = 500
LEASE = timedelta(minutes=5)


def _approved(org: Org):
    return Claim.objects.filter(status=ClaimStatus.APPROVED, org__path__startswith=org.path)


def start_payment_job(user, org: Org, *, request=None) -> PaymentJob:
    from gonghui.care.services import require_staff_role

    require_staff_role(user, org)
    with transaction.atomic():
        job = PaymentJob.objects.create(org=org, total=_approved(org).count(), created_by=user)
        audit.record(
            "care.payment_job.create", actor=user, obj=job, request=request, total=job.total
        )
        transaction.on_commit(lambda: run_payment_task.enqueue(job.pk))
    return job


def _claim_job(pk: int) -> bool:
    now = timezone.now()
    return bool(
        PaymentJob.objects.filter(pk=pk)
        .filter(
            Q(state__in=[PaymentJob.State.PENDING, PaymentJob.State.FAILED])
            | Q(state=PaymentJob.State.RUNNING, claimed_until__lt=now)
        )
        .update(state=PaymentJob.State.RUNNING, claimed_until=now + LEASE)
    )


def run_payment_job(pk: int, *, chunk: int = CHUNK, crash_after: int | None = None) -> PaymentJob:
    """Run (or resume) a job to the end. ``crash_after`` (tests) raises inside the
    transaction of that many-th chunk, after its claims were updated, as a crash would."""
    if not _claim_job(pk):
        return PaymentJob.objects.get(pk=pk)
    job = PaymentJob.objects.select_related("org").get(pk=pk)
    chunks = 0
    try:
        while True:
            with transaction.atomic():
                ids = list(
                    _approved(job.org)
                    .filter(pk__gt=job.cursor)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:chunk]
                )
                if not ids:
                    break
                now = timezone.now()
                lines = []
                for claim in Claim.objects.filter(pk__in=ids).only("pk", "payout"):
                    moved = Claim.objects.filter(pk=claim.pk, status=ClaimStatus.APPROVED).update(
                        status=ClaimStatus.PAID, paid_at=now
                    )
                    if moved:
                        lines.append(PaymentLine(job=job, claim_id=claim.pk, amount=claim.payout))
                PaymentLine.objects.bulk_create(lines)
                chunks += 1
                if crash_after is not None and chunks == crash_after:
                    raise RuntimeError("simulated crash in the middle of a chunk")
                job.cursor = ids[-1]
                job.done += len(lines)
                PaymentJob.objects.filter(pk=job.pk).update(
                    cursor=job.cursor, done=job.done, claimed_until=timezone.now() + LEASE
                )
    except Exception as exc:
        PaymentJob.objects.filter(pk=job.pk).update(
            state=PaymentJob.State.FAILED, last_error=str(exc)[:300], claimed_until=None
        )
        raise
    PaymentJob.objects.filter(pk=job.pk).update(
        state=PaymentJob.State.DONE, finished_at=timezone.now(), claimed_until=None
    )
    job.refresh_from_db()
    return job


@task()
def run_payment_task(pk: int) -> None:
    run_payment_job(pk)


def resume_stuck() -> list[int]:
    """Re-run every job that failed or whose runner's lease ran out."""
    now = timezone.now()
    stuck = PaymentJob.objects.filter(
        Q(state__in=[PaymentJob.State.PENDING, PaymentJob.State.FAILED])
        | Q(state=PaymentJob.State.RUNNING, claimed_until__lt=now)
    ).values_list("pk", flat=True)
    done = []
    for pk in stuck:
        run_payment_job(pk)
        done.append(pk)
    return done
