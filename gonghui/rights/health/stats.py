"""Coverage of the legal health checks per org and year: enterprises checked by size
and sector, findings open and closed, the most frequent findings, and per child org."""

from django.db.models import Count, Q

from gonghui.orgs.choices import Industry, SizeBand
from gonghui.orgs.models import Org
from gonghui.rights.health import checklist as cl
from gonghui.rights.health.choices import FindingStatus, Risk
from gonghui.rights.health.models import Finding, HealthCheck


def coverage(org: Org, year: int) -> dict:
    checks = HealthCheck.objects.filter(year=year, org_path__startswith=org.path)
    enterprises = checks.values("enterprise_id").distinct().count()
    by_size = dict(
        checks.values_list("enterprise__size_band").annotate(
            n=Count("enterprise_id", distinct=True)
        )
    )
    by_industry = dict(
        checks.values_list("enterprise__industry").annotate(n=Count("enterprise_id", distinct=True))
    )
    by_risk = dict(checks.exclude(risk="").values_list("risk").annotate(n=Count("pk")))
    findings = Finding.objects.filter(health_check__in=checks)
    counts = findings.aggregate(
        open=Count("pk", filter=Q(status=FindingStatus.OPEN)),
        closed=Count("pk", filter=Q(status=FindingStatus.CLOSED)),
        overdue=Count("pk", filter=Q(status=FindingStatus.OPEN, overdue_flagged_at__isnull=False)),
    )
    texts = cl.by_id(cl.read_file())
    top = [
        {"check_id": cid, "text": texts.get(cid, {}).get("text", cid), "count": n}
        for cid, n in findings.values_list("check_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "check_id")[:10]
    ]
    return {
        "org": {"id": org.pk, "name": org.name},
        "year": year,
        "checks": checks.count(),
        "enterprises": enterprises,
        "by_size": [
            {"key": k, "label": str(label), "count": by_size.get(k, 0)}
            for k, label in SizeBand.choices
        ],
        "by_industry": [
            {"key": k, "label": str(label), "count": by_industry.get(k, 0)}
            for k, label in Industry.choices
            if by_industry.get(k)
        ],
        "by_risk": [
            {"key": k, "label": str(label), "count": by_risk.get(k, 0)} for k, label in Risk.choices
        ],
        "findings_open": counts["open"],
        "findings_closed": counts["closed"],
        "findings_overdue": counts["overdue"],
        "top_findings": top,
        "children": by_child(org, year),
    }


def by_child(org: Org, year: int) -> list[dict]:
    """Checks and open findings per child org (districts of the city, streets of a district)."""
    children = list(Org.objects.filter(parent=org).defer("boundary").order_by("path"))
    rows = []
    for child in children:
        qs = HealthCheck.objects.filter(year=year, org_path__startswith=child.path)
        n = qs.count()
        if not n:
            continue
        open_findings = Finding.objects.filter(
            health_check__in=qs, status=FindingStatus.OPEN
        ).count()
        rows.append({"org": child.name, "checks": n, "findings_open": open_findings})
    return rows
