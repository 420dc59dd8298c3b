"""The figures of mediation and legal aid per org subtree and period, registered in the
core metric registry for the dashboards (``rights.cases``).

A period counts the cases received in it (both ends included) and what has become of
them so far: a case received in March and agreed in April counts as an agreement of
March. The cohort reading keeps a period's figures comparable (claimed and recovered
of the same cases)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gonghui.core import metrics
from gonghui.core.workdays import SHANGHAI
from gonghui.orgs import access
from gonghui.orgs.models import Org
from gonghui.rights.models import DailyFigures


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


# The figures read the daily roll-up (rollups.py): the org's own rows of the period, one
# exact lookup on the (path, day, ...) key whatever the size of the subtree.
FIGURES_SQL = """
SELECT coalesce(sum(cases) FILTER (WHERE kind = 'dispute'), 0),
       coalesce(sum(agreements), 0),
       coalesce(sum(referred), 0),
       coalesce(sum(collective), 0),
       sum(claimed),
       sum(recovered) FILTER (WHERE kind = 'dispute'),
       sum(agreement_us),
       coalesce(sum(cases) FILTER (WHERE kind = 'aid'), 0),
       sum(recovered) FILTER (WHERE kind = 'aid')
FROM rights_dailyfigures
WHERE path = %(path)s AND day >= %(start)s AND day <= %(end)s
"""

# The same figures counted from the cases themselves: the reference the roll-up is
# tested against, and what the figures were before it.
RECOUNT_SQL = """
SELECT d.n, d.agreements, d.referred, d.collective, d.claimed, d.recovered, d.us,
       a.n, a.recovered
FROM (
    SELECT count(*) AS n,
           count(*) FILTER (WHERE agreed_at IS NOT NULL) AS agreements,
           count(*) FILTER (WHERE referred_to <> '') AS referred,
           count(*) FILTER (WHERE collective) AS collective,
           sum(claimed_total) AS claimed,
           sum(recovered_total) AS recovered,
           sum(extract(epoch FROM agreed_at - received_at) * 1000000) FILTER (
               WHERE agreed_at IS NOT NULL) AS us
    FROM rights_dispute
    WHERE org_path LIKE %(like)s AND received_on >= %(start)s AND received_on <= %(end)s
) d, (
    SELECT count(*) AS n, sum(recovered_total) AS recovered
    FROM rights_aidcase
    WHERE org_path LIKE %(like)s AND received_at >= %(from)s AND received_at < %(until)s
) a
"""


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _params(org: Org, start: date, end: date) -> dict:
    return {
        "path": org.path,
        "like": _like_prefix(org.path),
        "start": start,
        "end": end,
        "from": datetime.combine(start, time.min, tzinfo=SHANGHAI),
        "until": datetime.combine(end + timedelta(days=1), time.min, tzinfo=SHANGHAI),
    }


def _shape(row) -> dict:
    n, agreements, referred, collective, claimed, recovered, us, aid_n, aid_rec = row
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
        "avg_days_to_agreement": round(float(us) / agreements / 86_400_000_000, 1)
        if agreements and us
        else None,
    }


@metrics.register("rights.cases", _("维权案件"), kind=metrics.FIGURES, app="rights")
def figures(org: Org, start: date, end: date) -> dict:
    """Return the period's figures for ``org`` and its subtree (amounts as strings),
    from the daily roll-up. Legal-aid cases count by their local receipt day."""
    with connection.cursor() as cursor:
        cursor.execute(FIGURES_SQL, _params(org, start, end))
        return _shape(cursor.fetchone())


def figures_from_cases(org: Org, start: date, end: date) -> dict:
    """Return the same figures counted from the cases (slow at city scale)."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT_SQL, _params(org, start, end))
        return _shape(cursor.fetchone())


def monthly(org: Org, start: date, end: date) -> list[dict]:
    """Return cases received and agreements per month (for the console chart)."""
    rows = (
        DailyFigures.objects.filter(
            path=org.path, kind=DailyFigures.Kind.DISPUTE, day__gte=start, day__lte=end
        )
        .values("day__year", "day__month")
        .annotate(n=Sum("cases"), agreements=Sum("agreements"), referred=Sum("referred"))
        .order_by("day__year", "day__month")
    )
    return [
        {
            "month": f"{r['day__year']}-{r['day__month']:02d}",
            "disputes": r["n"],
            "agreements": r["agreements"],
            "referred": r["referred"],
        }
        for r in rows
        if r["n"]
    ]


def by_child(org: Org, start: date, end: date) -> list[dict]:
    """Return cases and recovered amounts per direct child org (districts of the city)."""
    children = list(Org.objects.filter(parent=org).defer("boundary").order_by("path"))
    sums = {
        r["path"]: r
        for r in DailyFigures.objects.filter(
            path__in=[c.path for c in children],
            kind=DailyFigures.Kind.DISPUTE,
            day__gte=start,
            day__lte=end,
        )
        .values("path")
        .annotate(n=Sum("cases"), recovered=Sum("recovered"))
    }
    return [
        {
            "org": child.display_name,
            "disputes": sums[child.path]["n"],
            "recovered": _money(sums[child.path]["recovered"]),
        }
        for child in children
        if sums.get(child.path, {}).get("n")
    ]
