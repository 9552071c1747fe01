"""Deadlines in working days across the Spring Festival and adjusted weekend workdays."""

import datetime as dt

import pytest

from partners.workdays import add_workdays, is_estimated, is_workday, workdays_between

D = dt.date


def test_spring_festival_2024_holidays_and_the_adjusted_sunday():
    assert not is_workday(D(2024, 2, 12))  # 春节 holiday, a Monday
    assert is_workday(D(2024, 2, 18))  # Sunday worked in exchange (调休)
    assert is_workday(D(2024, 2, 4))  # Sunday worked in exchange before the festival


def test_adding_working_days_skips_the_festival_and_counts_the_adjusted_sunday():
    # Received Thursday 8 February 2024: Friday 9th, (holiday 10th–17th), Sunday 18th, Monday 19th
    assert add_workdays(D(2024, 2, 8), 3) == D(2024, 2, 19)
    assert add_workdays(D(2024, 2, 8), 0) == D(2024, 2, 8)


def test_national_day_2025_week():
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)  # holiday 1st–8th October
    assert is_workday(D(2025, 9, 28))  # Sunday worked in exchange


def test_an_adjusted_saturday_workday():
    assert D(2025, 10, 11).weekday() == 5
    assert is_workday(D(2025, 10, 11))  # Saturday worked in exchange for National Day


def test_workdays_between_counts_both_ways():
    assert workdays_between(D(2024, 2, 8), D(2024, 2, 19)) == 3
    assert workdays_between(D(2024, 2, 19), D(2024, 2, 8)) == -3
    assert workdays_between(D(2024, 2, 8), D(2024, 2, 8)) == 0


def test_a_year_without_published_holidays_counts_monday_to_friday():
    far = D(2099, 6, 1)  # a Monday
    assert is_estimated(far)
    assert not is_estimated(D(2024, 2, 8))
    assert add_workdays(far, 5) == D(2099, 6, 8)


def test_negative_day_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_workdays(D(2024, 1, 1), -1)


def _counted_day_by_day(start: dt.date, end: dt.date) -> int:
    days = (end - start).days
    return sum(is_workday(start + dt.timedelta(days=n)) for n in range(1, days + 1))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2024, 12, 20), dt.date(2025, 2, 10)),  # across New Year and the Spring Festival
        (dt.date(2019, 9, 30), dt.date(2024, 10, 8)),  # five National Days
        (dt.date(2026, 11, 2), dt.date(2028, 3, 1)),  # into years the calendar does not know yet
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    ],
)
def test_long_spans_count_as_day_by_day(start, end):
    assert workdays_between(start, end) == _counted_day_by_day(start, end)
    assert workdays_between(end, start) == -_counted_day_by_day(start, end)
