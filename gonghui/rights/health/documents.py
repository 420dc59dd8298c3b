"""The printable health-check report (法治体检报告), HTML rendered to PDF by WeasyPrint:
the enterprise, the score by area, each finding with the text of the articles it breaks
and the advice, and the follow-up plan."""

from django.template.loader import render_to_string
from django.utils import timezone

from gonghui.knowledge.models import Article
from gonghui.rights.health import checklist as cl
from gonghui.rights.health.models import HealthCheck
from gonghui.rights.health.services import results_of


def articles_for(check: dict) -> list[dict]:
    """Return the cited articles with their titles and text from the knowledge base."""
    wanted = [(a["source"], int(a["article"])) for a in check.get("articles", [])]
    found = {
        (a.document.stem, a.number): a
        for a in Article.objects.select_related("document").filter(
            document__stem__in={s for s, _n in wanted}, number__in={n for _s, n in wanted}
        )
    }
    rows = []
    for source, number in wanted:
        art = found.get((source, number))
        rows.append(
            {
                "source": source,
                "article": number,
                "title": art.document.title if art else source,
                "label": art.label if art else f"第{number}条",
                "text": art.text if art else "",
            }
        )
    return rows


def report_context(hc: HealthCheck) -> dict:
    tree = hc.checklist.tree
    checks = cl.by_id(tree)
    results = results_of(hc)
    findings = []
    for f in hc.findings.select_related("owner").prefetch_related("follow_ups"):
        check = checks.get(f.check_id, {"articles": []})
        findings.append(
            {
                "f": f,
                "area": check.get("area", ""),
                "articles": articles_for(check),
                "follow_ups": list(f.follow_ups.all()),
            }
        )
    return {
        "hc": hc,
        "areas": cl.area_scores(tree, results),
        "findings": findings,
        "today": timezone.localdate(),
    }


def report_pdf(hc: HealthCheck) -> bytes:
    from weasyprint import HTML

    html = render_to_string("rights/pdf/health_check.html", report_context(hc))
    return HTML(string=html).write_pdf()
