"""Template filters for figures as Chinese offices write them, and small page helpers."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.exports import plain_value

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def yi(value) -> str:
    """An amount in 亿元 (100 million yuan) with two decimals: ``12.50 亿元``."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return _("%(amount)s 100 million yuan") % {
        "amount": number_format(amount, 2, force_grouping=True)
    }


@register.filter
def wan(value) -> str:
    """An amount in 万元 (10 thousand yuan): ``3,200.00 万元``."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return _("%(amount)s 10 thousand yuan") % {
        "amount": number_format(amount, 2, force_grouping=True)
    }


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (``page=2``), for links that keep
    the list's filters; a parameter given as None or "" is removed."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def item(mapping: dict, key: str):
    """``row|item:"field"``: a value of a dict by a key held in a variable."""
    return mapping.get(key)


@register.filter
def person(user) -> str:
    """A user as people know them: the full name, else the user name; a dash for nobody."""
    if user is None:
        return "—"
    return str(user)


def cell_text(value, number_format: str | None) -> str:
    """A report cell as the workbook shows it: shares (``0.0%``) in per cent, lists joined,
    yes/no, localised numbers and dates, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if number_format and number_format.endswith("%") and isinstance(value, int | float | Decimal):
        decimals = len(number_format.split(".")[1]) - 1 if "." in number_format else 0
        return f"{float(value) * 100:.{decimals}f}%"
    return formats.localize(plain_value(value))


def _cell(value, number_format: str | None) -> str:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_html('<td class="number">{}</td>', cell_text(value, number_format))
    return format_html("<td>{}</td>", cell_text(value, number_format))


@register.simple_tag
def table_rows(rows) -> str:
    """The ``<tr>`` of rows of (value, number format) cells, escaped and localised as the template
    would, but built in Python: a report table has thousands of cells, and the template
    engine's per-variable cost made them most of a dashboard's time."""
    return mark_safe(  # noqa: S308 - every cell went through format_html
        "".join(
            "<tr>"
            + "".join(_cell(value, number_format) for value, number_format in cells)
            + "</tr>"
            for cells in rows
        )
    )
