"""Pages of the industry chains: the list of chains and each chain's map (产业图谱), both read
from the chain-map report (``chains.chain_map``) so that the pages, the API and the workbook
show the same numbers."""

import rules
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from chains import selectors
from chains.chain_map import chain_map
from chains.models import FIRST_ROSTER_YEAR, LAST_ROSTER_YEAR, IndustryChain
from core.reports import Period
from core.web.views import permission_required

YEAR_ERROR = _("Enter a year between %(first)s and %(last)s.")


def _year(request) -> tuple[int, str]:
    """The roster year asked for (``?year=``), else the current year; and the error shown when
    the year given is not one."""
    default = Period.this_year().until.year
    raw = request.GET.get("year", "").strip()
    if not raw:
        return default, ""
    try:
        year = int(raw)
    except ValueError:
        year = None
    if year is None or not FIRST_ROSTER_YEAR <= year <= LAST_ROSTER_YEAR:
        return default, YEAR_ERROR % {"first": FIRST_ROSTER_YEAR, "last": LAST_ROSTER_YEAR}
    return year, ""


@permission_required("chains.view_chain_map_report")
def chain_list(request):
    year, year_error = _year(request)
    context = {
        "title": IndustryChain._meta.verbose_name_plural,
        "chains": selectors.chain_overview(request.user, year),
        "year": year,
        "year_error": year_error,
        "year_given": not year_error and bool(request.GET.get("year")),
    }
    return render(request, "chains/chain_list.html", context)


@permission_required("chains.view_chain_map_report")
def chain_detail(request, pk: int):
    chain = get_object_or_404(selectors.chain_detail(request.user), pk=pk)
    year, year_error = _year(request)
    report = chain_map(
        request.user, {"period": Period.this_year(), "chain": chain.pk, "year": year}
    )
    # The rule alone (no fall-through to the model backend's two permission queries).
    may_read_all = rules.has_perm("chains.view_targetcompany", request.user)
    context = {
        "chain": chain,
        "report": report,
        "figures": [figure for figure in report.figures if figure.key != "chains"],
        "tables": {table.key: table.rows for table in report.tables},
        "year": year,
        "year_error": year_error,
        "year_given": not year_error and bool(request.GET.get("year")),
        # Target lists are internal and partner pages are for those who read every partner.
        "show_targets": may_read_all,
        "link_partners": may_read_all,
    }
    return render(request, "chains/chain_detail.html", context)
