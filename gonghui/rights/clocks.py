"""The Labour Dispute Mediation and Arbitration Law's clocks, in calendar days.

- Art. 14: "自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议的，当事人可以依法
  申请仲裁". The 15 days are calendar days (the law says 日, not 工作日), and the day of
  receipt is not counted (Civil Code Art. 201): day 15 is receipt + 15. The API's
  contract (issue 13) dates the right from that day: once day 15 has come without an
  agreement the worker is told and offered the arbitration application. (A strict
  reading puts the right on day 16, after the period; docs/decisions.md.) Holidays do
  not move it: it ends a waiting period, not a time limit a party must meet.
- Art. 27: one year from when the worker knew or should have known; for wages owed while
  employed, one year from the end of the employment. A year ends on the corresponding
  date (Civil Code Art. 202; 29 February → 28 February), and a last day that is a rest
  day or statutory holiday moves to the next working day (Art. 203), because here a
  party must act by that day.
"""

from datetime import date, timedelta

from gonghui.core.workdays import is_workday
from gonghui.rights.choices import ClaimKind

MEDIATION_DAYS = 15
MEDIATOR_WARNING_DAY = 12
LIMITATION_WARNING_DAYS = 30
# Wages owed while the employment lasts (Art. 27 ¶4): overtime pay is labour pay too.
PAY_KINDS = frozenset({ClaimKind.WAGES, ClaimKind.OVERTIME})


def mediation_period_end(received_on: date) -> date:
    """Return the last (15th) day of the mediation period."""
    return received_on + timedelta(days=MEDIATION_DAYS)


def arbitration_right_from(received_on: date) -> date:
    """Return the day from which a party may apply for arbitration without an agreement
    (receipt + 15 days, as the API's contract defines it)."""
    return mediation_period_end(received_on)


def mediator_warning_on(received_on: date) -> date:
    return received_on + timedelta(days=MEDIATOR_WARNING_DAY)


def add_year(day: date) -> date:
    """Return the corresponding date one year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def next_working_day_from(day: date) -> date:
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def limitation_until(
    *, kinds: set[str], known_since: date | None, employment_ended_on: date | None
) -> date | None:
    """Return the last day to apply for arbitration, the earliest over the claims, or
    None when no claim's clock has started (pay owed in a lasting employment, or no
    date given)."""
    candidates = []
    for kind in kinds:
        start = employment_ended_on if kind in PAY_KINDS else known_since
        if start is not None:
            candidates.append(next_working_day_from(add_year(start)))
    return min(candidates) if candidates else None


def limitation_warning_on(until: date) -> date:
    return until - timedelta(days=LIMITATION_WARNING_DAYS)
