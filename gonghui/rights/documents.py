"""The printable documents of a mediation case, HTML rendered to PDF by WeasyPrint: the
mediation agreement (调解协议书, Art. 14), the pre-filled arbitration application
(仲裁申请书, offered once the 15 days have run out without agreement, or on default)
and the payment-order application draft (支付令申请书, Art. 16, on a defaulted agreement
about pay, injury costs or compensation)."""

import logging

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict
from gonghui.rights.choices import PAYMENT_ORDER_KINDS, ClaimKind, DisputeStatus
from gonghui.rights.models import Dispute
from gonghui.rights.workflow import CLOCK_RUNNING

# WeasyPrint logs every layout step at INFO.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

AGREED = {DisputeStatus.AGREED, DisputeStatus.PERFORMED, DisputeStatus.DEFAULTED}


def offers_arbitration(dispute: Dispute, today=None) -> bool:
    """Whether the worker may now apply for arbitration and is offered the application:
    the 15 days ran out without agreement (Art. 14), or the agreement was not kept
    (Art. 15), or the case was referred to arbitration."""
    today = today or timezone.localdate()
    if dispute.status == DisputeStatus.DEFAULTED or dispute.referred_to == "arbitration":
        return True
    return dispute.status in CLOCK_RUNNING and today >= dispute.arbitration_right_from


def offers_payment_order(dispute: Dispute) -> bool:
    if dispute.status != DisputeStatus.DEFAULTED and dispute.outcome != "payment_order":
        return False
    return any(c.kind in PAYMENT_ORDER_KINDS and c.agreed for c in dispute.claims.all())


def _context(dispute: Dispute) -> dict:
    claims = [
        {
            "label": ClaimKind(c.kind).label,
            "amount": c.amount,
            "agreed": c.agreed,
            "recovered": c.recovered,
            "kind": c.kind,
        }
        for c in dispute.claims.all()
    ]
    return {
        "d": dispute,
        "applicants": list(dispute.applicants.all()),
        "claims": claims,
        "sessions": list(dispute.sessions.all()),
        "today": timezone.localdate(),
    }


def _render(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, context)).write_pdf()


def agreement_pdf(dispute: Dispute) -> bytes:
    if dispute.status not in AGREED and not dispute.agreed_at:
        raise Conflict(_("本案尚未达成调解协议。"), code="no_agreement")
    return _render("rights/pdf/agreement.html", _context(dispute))


def arbitration_pdf(dispute: Dispute) -> bytes:
    if not offers_arbitration(dispute):
        raise Conflict(
            _("自收到调解申请之日起15日内、且未出现不履行协议的，暂不能申请仲裁。"),
            code="arbitration_not_yet",
        )
    return _render("rights/pdf/arbitration.html", _context(dispute))


def payment_order_pdf(dispute: Dispute) -> bytes:
    if not offers_payment_order(dispute):
        raise Conflict(
            _(
                "只有用人单位不履行有关劳动报酬、工伤医疗费、经济补偿或赔偿金的调解协议时，才能申请支付令。"
            ),
            code="payment_order_not_available",
        )
    context = _context(dispute)
    context["order_claims"] = [
        c for c in context["claims"] if c["kind"] in PAYMENT_ORDER_KINDS and c["agreed"]
    ]
    return _render("rights/pdf/payment_order.html", context)
