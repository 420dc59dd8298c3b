"""Deadlines of an appeal from the policy table (most specific row first), in working days."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from gonghui.appeals import tables
from gonghui.appeals.choices import Urgency
from gonghui.core.workdays import add_working_days

# Defaults of the issue: accept 24 h; first contact 24 h (urgent 2 h); resolve within
# 7 working days (complex 15, urgent 1). Loaded into DeadlinePolicy by a migration.
DEFAULTS = {
    Urgency.NORMAL: (24, 24, 7),
    Urgency.URGENT: (24, 2, 1),
    Urgency.COMPLEX: (24, 24, 15),
}


@dataclass(frozen=True)
class Deadlines:
    accept_by: datetime
    contact_by: datetime
    resolve_by: datetime


def policy_for(urgency: str, category: str) -> tuple[int, int, int]:
    policies = tables.get().policies
    row = policies.get((urgency, category)) or policies.get((urgency, ""))
    return row if row is not None else DEFAULTS[urgency]


def compute(start: datetime, *, urgency: str, category: str) -> Deadlines:
    accept_h, contact_h, resolve_days = policy_for(urgency, category)
    return Deadlines(
        accept_by=start + timedelta(hours=accept_h),
        contact_by=start + timedelta(hours=contact_h),
        resolve_by=add_working_days(start, resolve_days),
    )
