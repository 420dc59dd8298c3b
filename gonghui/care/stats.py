"""Care statistics over the staff member's scope (or one org inside it)."""

from datetime import date

from django.db.models import Count, Q, Sum

from gonghui.care import access
from gonghui.care.choices import ClaimStatus, Status
from gonghui.care.models import Distribution
from gonghui.orgs.access import get_org_for, scoped


def summary(principal, *, org_id: int | None, start: date | None, end: date | None) -> dict:
    apps = access.visible_applications(principal)
    claims = access.visible_claims(principal)
    if org_id is not None:
        org = get_org_for(principal, org_id)  # 404 outside the scope
        apps = apps.filter(org__path__startswith=org.path)
        claims = claims.filter(org__path__startswith=org.path)
    if start:
        apps = apps.filter(created_at__date__gte=start)
        claims = claims.filter(created_at__date__gte=start)
    if end:
        apps = apps.filter(created_at__date__lte=end)
        claims = claims.filter(created_at__date__lte=end)
    visits_qs = scoped(Distribution.objects.all(), principal, "org__path")
    if org_id is not None:
        visits_qs = visits_qs.filter(org__path__startswith=org.path)
    if start:
        visits_qs = visits_qs.filter(given_on__gte=start)
    if end:
        visits_qs = visits_qs.filter(given_on__lte=end)
    visits = visits_qs.count()
    approved = (Status.APPROVED, Status.PAID, Status.PAYMENT_FAILED)
    a = apps.aggregate(
        applications=Count("id", filter=~Q(status=Status.DRAFT)),
        approved=Count("id", filter=Q(status__in=approved)),
        paid_amount=Sum("amount", filter=Q(status=Status.PAID)),
    )
    c = claims.aggregate(
        n=Count("id", filter=Q(status=ClaimStatus.PAID)),
        s=Sum("payout", filter=Q(status=ClaimStatus.PAID)),
    )
    return {
        "applications": a["applications"],
        "approved": a["approved"],
        "paid_amount": str(a["paid_amount"] or 0),
        "care_visits": visits,
        "mutual_aid_payouts": c["n"],
        "mutual_aid_amount": str(c["s"] or 0),
    }
