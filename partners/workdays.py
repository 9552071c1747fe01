"""Working days in mainland China: weekends and public holidays off, adjusted weekend workdays
on (调休), from the chinese-calendar package.

The package knows each year once the State Council has published its holiday arrangement
(usually in November for the next year). For a year it does not know yet, Monday to Friday
count as working days, and ``is_estimated`` says so, so that a deadline computed late in the
year into the next one is still given, and can be recomputed once the package is updated.
"""

import datetime as dt
from functools import lru_cache

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=8192)
def is_workday(day: dt.date) -> bool:
    """Cached per process: the calendar changes only with the package, which takes a restart."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def is_estimated(day: dt.date) -> bool:
    """True when ``day`` lies in a year the holiday calendar does not cover yet."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return True
    return False


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


@lru_cache(maxsize=128)
def _running_counts(year: int) -> tuple[int, ...]:
    """The working days of ``year`` from 1 January up to and including each day."""
    counts, total, day = [], 0, dt.date(year, 1, 1)
    while day.year == year:
        total += is_workday(day)
        counts.append(total)
        day += ONE_DAY
    return tuple(counts)


def _running_count(day: dt.date) -> int:
    return _running_counts(day.year)[day.timetuple().tm_yday - 1]


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier);
    from each year's running counts, so a long span costs a few additions."""
    if end < start:
        return -workdays_between(end, start)
    whole_years = sum(_running_counts(year)[-1] for year in range(start.year, end.year))
    return _running_count(end) - _running_count(start) + whole_years


def subtract_workdays(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days before ``start``."""
    day, counted = start, 0
    while counted < days:
        day -= dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day
