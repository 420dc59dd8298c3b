"""The figures of mediation and legal aid per org subtree and period, registered in the
core metric registry for the dashboards (``rights.cases``).

A period counts the cases received in it (both ends included) and what has become of
them so far: a case received in March and agreed in April counts as an agreement of
March. The cohort reading keeps a period's figures comparable (claimed and recovered
of the same cases)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gonghui.core import metrics
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs import access
from gonghui.orgs.models import Org
from gonghui.rights.models import Dispute


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


# One statement for both case types: at city scale the round trips, not the scans,
# are most of the time (docs/benchmarks.md, rights).
FIGURES_SQL = """
SELECT d.n, d.agreements, d.referred, d.collective, d.claimed, d.recovered, d.days,
       a.n, a.recovered
FROM (
    SELECT count(*) AS n,
           count(*) FILTER (WHERE agreed_at IS NOT NULL) AS agreements,
           count(*) FILTER (WHERE referred_to <> '') AS referred,
           count(*) FILTER (WHERE collective) AS collective,
           sum(claimed_total) AS claimed,
           sum(recovered_total) AS recovered,
           avg(extract(epoch FROM agreed_at - received_at)) FILTER (
               WHERE agreed_at IS NOT NULL) AS days
    FROM rights_dispute
    WHERE org_path LIKE %(path)s AND received_on >= %(start)s AND received_on <= %(end)s
) d, (
    SELECT count(*) AS n, sum(recovered_total) AS recovered
    FROM rights_aidcase
    WHERE org_path LIKE %(path)s AND received_at >= %(from)s AND received_at < %(until)s
) a
"""


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@metrics.register("rights.cases", _("维权案件"), kind=metrics.FIGURES, app="rights")
def figures(org: Org, start: date, end: date) -> dict:
    """Return the period's figures for ``org`` and its subtree (amounts as strings).

    Legal-aid cases count by their local receipt day: a range on ``received_at`` itself,
    so its index serves."""
    params = {
        "path": _like_prefix(org.path),
        "start": start,
        "end": end,
        "from": datetime.combine(start, time.min, tzinfo=SHANGHAI),
        "until": datetime.combine(end + timedelta(days=1), time.min, tzinfo=SHANGHAI),
    }
    with connection.cursor() as cursor:
        cursor.execute(FIGURES_SQL, params)
        n, agreements, referred, collective, claimed, recovered, seconds, aid_n, aid_rec = (
            cursor.fetchone()
        )
    total = (recovered or Decimal("0")) + (aid_rec or Decimal("0"))
    return {
        "disputes": n,
        "agreements": agreements,
        "referred": referred,
        "collective": collective,
        "legal_aid": aid_n,
        "claimed": _money(claimed),
        "recovered": _money(total),
        "recovered_mediation": _money(recovered),
        "recovered_legal_aid": _money(aid_rec),
        "avg_days_to_agreement": round(float(seconds) / 86400, 1) if seconds else None,
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
