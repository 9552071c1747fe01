"""Working days in mainland China: weekends and public holidays off, adjusted weekend workdays
on (调休), from the chinese-calendar package.

The package knows each year once the State Council has published its holiday arrangement
(usually in November for the next year). For a year it does not know yet, Monday to Friday
count as working days, and ``is_estimated`` says so, so that a deadline computed late in the
year into the next one is still given, and can be recomputed once the package is updated.
"""

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
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


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -workdays_between(end, start)
    day, counted = start, 0
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return counted


def subtract_workdays(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days before ``start``."""
    day, counted = start, 0
    while counted < days:
        day -= dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day
