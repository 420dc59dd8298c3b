"""Editing a mediation case's claim items (请求事项) before an agreement.

A worker often corrects or adds a claim after the application (a wage month forgotten,
severance once the employment ended); until the parties sign an agreement the items
are the case's to change. From the agreement on they are what was agreed, so an edit
is 409 ``claims_locked``. The items are replaced as a whole, validated as at intake
(422, nothing stored), the claimed total, the limitation date (it depends on the kinds,
Art. 27) and the daily figures follow, and the old and new items go to the timeline
and the audit log in the same transaction.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.rights import clocks, rollups, services, validation
from gonghui.rights.choices import ClaimKind
from gonghui.rights.models import Claim, Dispute
from gonghui.rights.workflow import OPEN


def _items_text(items: dict[str, Decimal]) -> str:
    return "；".join(f"{ClaimKind(k).label} {v:.2f}元" for k, v in items.items())


def replace_claims(
    dispute: Dispute,
    *,
    claims,
    actor,
    reason: str | None = None,
    request=None,
    now: datetime | None = None,
) -> Dispute:
    """Replace the claim items of a case not yet agreed (mediators of the body only)."""
    now = now or timezone.now()
    items = validation.items(claims, "claims")
    note = validation.text(reason, "reason", limit=1000, required=False)
    with transaction.atomic():
        dispute = (
            Dispute.objects.select_for_update(of=("self",)).select_related("org").get(pk=dispute.pk)
        )
        services.require_mediator(actor, dispute.org)
        if dispute.status not in OPEN:
            raise Conflict(_("案件已达成协议或已结束，请求事项不能再修改。"), code="claims_locked")
        before_share = rollups.dispute_share(dispute)
        old = {c.kind: c.amount for c in dispute.claims.all()}
        dispute.claims.all().delete()
        Claim.objects.bulk_create(
            [Claim(dispute=dispute, kind=k, amount=a) for k, a in items.items()]
        )
        dispute.claimed_total = sum(items.values(), Decimal("0"))
        limitation = clocks.limitation_until(
            kinds=set(items),
            known_since=dispute.known_since,
            employment_ended_on=dispute.employment_ended_on,
        )
        if limitation != dispute.limitation_until:
            # A new date gets its own 30-day warning.
            dispute.limitation_until, dispute.warned_limitation = limitation, False
        dispute.save(
            update_fields=["claimed_total", "limitation_until", "warned_limitation", "updated_at"]
        )
        rollups.move(before_share, rollups.dispute_share(dispute))
        before = {k: f"{v:.2f}" for k, v in old.items()}
        after = {k: f"{v:.2f}" for k, v in items.items()}
        services._event(
            dispute,
            "claims",
            actor=actor,
            from_status=dispute.status,
            note=_("请求事项改为：%(items)s") % {"items": _items_text(items)}
            + (f"（{note}）" if note else ""),
            at=now,
            before=before,
            after=after,
        )
        audit.record(
            "dispute.claims",
            actor=actor,
            obj=dispute,
            request=request,
            before=before,
            after=after,
            reason=note,
        )
    return dispute
