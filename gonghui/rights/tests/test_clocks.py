"""The law's clocks: 15 calendar days (Art. 14), the one-year limitation (Art. 27)."""

from datetime import date

import pytest

from gonghui.rights import clocks
from gonghui.rights.choices import ClaimKind

# The limitation's last day moves off rest days: the holiday schedule is a table.
pytestmark = pytest.mark.django_db


def test_it_counts_the_mediation_period_in_calendar_days_across_national_day():
    # Received on 28 September 2026: the Golden Week holidays do not stretch the period.
    received = date(2026, 9, 28)
    assert clocks.mediation_period_end(received) == date(2026, 10, 13)
    assert clocks.arbitration_right_from(received) == date(2026, 10, 13)
    assert clocks.mediator_warning_on(received) == date(2026, 10, 10)


def test_it_does_not_count_the_day_of_receipt():
    assert clocks.arbitration_right_from(date(2026, 3, 1)) == date(2026, 3, 16)


def test_it_crosses_a_month_end_and_a_year_end():
    assert clocks.arbitration_right_from(date(2026, 1, 20)) == date(2026, 2, 4)
    assert clocks.arbitration_right_from(date(2026, 12, 25)) == date(2027, 1, 9)
    assert clocks.arbitration_right_from(date(2028, 2, 20)) == date(2028, 3, 6)  # leap year


def test_it_ends_the_limitation_on_the_corresponding_day_a_year_later():
    # 10 March 2027 is a Wednesday.
    until = clocks.limitation_until(
        kinds={ClaimKind.SEVERANCE}, known_since=date(2026, 3, 10), employment_ended_on=None
    )
    assert until == date(2027, 3, 10)


def test_it_moves_a_limitation_ending_on_a_holiday_to_the_next_working_day():
    # Known on 1 October 2025: a year later is National Day 2026 (holidays to 7 October).
    until = clocks.limitation_until(
        kinds={ClaimKind.INJURY}, known_since=date(2025, 10, 1), employment_ended_on=None
    )
    assert until == date(2026, 10, 8)


def test_it_ends_a_year_from_29_february_on_28_february_or_after_the_weekend():
    assert clocks.add_year(date(2028, 2, 29)) == date(2029, 2, 28)
    until = clocks.limitation_until(
        kinds={ClaimKind.OTHER}, known_since=date(2028, 2, 29), employment_ended_on=None
    )
    assert until == date(2029, 2, 28)  # a Wednesday


def test_it_starts_the_wage_limitation_only_when_the_employment_ends():
    lasting = clocks.limitation_until(
        kinds={ClaimKind.WAGES}, known_since=date(2024, 1, 5), employment_ended_on=None
    )
    assert lasting is None
    ended = clocks.limitation_until(
        kinds={ClaimKind.WAGES}, known_since=date(2024, 1, 5), employment_ended_on=date(2026, 4, 30)
    )
    # 30 April 2027 is a Friday.
    assert ended == date(2027, 4, 30)


def test_it_shows_the_earliest_limitation_over_the_claims():
    until = clocks.limitation_until(
        kinds={ClaimKind.WAGES, ClaimKind.SEVERANCE},
        known_since=date(2026, 5, 11),
        employment_ended_on=date(2026, 8, 3),
    )
    assert until == date(2027, 5, 11)
    assert clocks.limitation_warning_on(until) == date(2027, 4, 11)
