"""The figures of mediation and legal aid per org subtree and period, registered in the
core metric registry for the dashboards (``rights.cases``).

A period counts the cases received in it (both ends included) and what has become of
them so far: a case received in March and agreed in April counts as an agreement of
March. The cohort reading keeps a period's figures comparable (claimed and recovered
of the same cases)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.http import Http404

from gonghui.core import metrics
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs import access
from gonghui.orgs.models import Org
from gonghui.rights.models import AidCase, Dispute


def org_for_figures(principal, org_id: int | None) -> Org:
    """The org asked for (404 outside the scope), or the principal's own top org."""
    if org_id is not None:
        return access.get_org_for(principal, org_id)
    paths = access.scope_paths(principal)
    if not paths:
        raise Http404
    return Org.objects.defer("boundary").get(path=paths[0])


def _money(value) -> str:
    return f"{(value or Decimal('0')):.2f}"


@metrics.register("rights.cases")
def figures(org: Org, start: date, end: date) -> dict:
    """Return the period's figures for ``org`` and its subtree (amounts as strings)."""
    disputes = Dispute.objects.filter(
        org_path__startswith=org.path, received_on__gte=start, received_on__lte=end
    ).aggregate(
        n=Count("id"),
        agreements=Count("id", filter=Q(agreed_at__isnull=False)),
        referred=Count("id", filter=~Q(referred_to="")),
        collective=Count("id", filter=Q(collective=True)),
        claimed=Sum("claimed_total"),
        recovered=Sum("recovered_total"),
        days=Avg(F("agreed_at") - F("received_at"), filter=Q(agreed_at__isnull=False)),
    )
    # Legal-aid cases: received_at is a time; the period's days are local calendar days
    # (a range on the column itself, so its index serves).
    aid = AidCase.objects.filter(
        org_path__startswith=org.path,
        received_at__gte=datetime.combine(start, time.min, tzinfo=SHANGHAI),
        received_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=SHANGHAI),
    ).aggregate(n=Count("id"), recovered=Sum("recovered_total"))
    recovered = (disputes["recovered"] or Decimal("0")) + (aid["recovered"] or Decimal("0"))
    days = disputes["days"]
    return {
        "disputes": disputes["n"],
        "agreements": disputes["agreements"],
        "referred": disputes["referred"],
        "collective": disputes["collective"],
        "legal_aid": aid["n"],
        "claimed": _money(disputes["claimed"]),
        "recovered": _money(recovered),
        "recovered_mediation": _money(disputes["recovered"]),
        "recovered_legal_aid": _money(aid["recovered"]),
        "avg_days_to_agreement": round(days.total_seconds() / 86400, 1) if days else None,
    }


def monthly(org: Org, start: date, end: date) -> list[dict]:
    """Return cases received and agreements per month (for the console chart)."""
    rows = (
        Dispute.objects.filter(
            org_path__startswith=org.path, received_on__gte=start, received_on__lte=end
        )
        .values("received_on__year", "received_on__month")
        .annotate(
            n=Count("id"),
            agreements=Count("id", filter=Q(agreed_at__isnull=False)),
            referred=Count("id", filter=~Q(referred_to="")),
        )
        .order_by("received_on__year", "received_on__month")
    )
    return [
        {
            "month": f"{r['received_on__year']}-{r['received_on__month']:02d}",
            "disputes": r["n"],
            "agreements": r["agreements"],
            "referred": r["referred"],
        }
        for r in rows
    ]


def by_child(org: Org, start: date, end: date) -> list[dict]:
    """Return cases and recovered amounts per direct child org (districts of the city)."""
    children = list(Org.objects.filter(parent=org).defer("boundary").order_by("path"))
    out = []
    for child in children:
        agg = Dispute.objects.filter(
            org_path__startswith=child.path, received_on__gte=start, received_on__lte=end
        ).aggregate(n=Count("id"), recovered=Sum("recovered_total"))
        if agg["n"]:
            out.append(
                {
                    "org": child.display_name,
                    "disputes": agg["n"],
                    "recovered": _money(agg["recovered"]),
                }
            )
    return out
