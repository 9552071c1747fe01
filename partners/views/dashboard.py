"""The manager dashboard: every report the user may read (``core.reports.REPORTS``), as
figures, charts and tables, with the period and filters in the URL and the same report's
Excel export one click away."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from rest_framework.exceptions import ValidationError as ParameterError

from core.reports import REPORTS, Report, head_rows
from partners import selectors

# Charts drawn above a report's tables: (table, the column naming each bar, the columns
# drawn as bars).
CHARTS = {
    "pipeline": [("by_stage", "stage_label", ["projects"]), ("conversion", "from_stage", ["rate"])],
    "coverage": [("by_steward", "steward", ["share"])],
    "requests": [("by_category", "category", ["received", "resolved", "resolved_on_time"])],
    "roster": [("years", "year", ["roster"])],
    "chain-map": [("segments", "segment", ["partners"])],
}
# A table shows its first rows; the Excel export has them all.
TABLE_ROWS = 50


# The order of the dashboard's tabs; a report not named here comes after these.
ORDER = ("overview", "pipeline", "coverage", "requests", "doubling", "chain-map", "roster")


def _readable_reports(user) -> list:
    reports = sorted(
        REPORTS.values(),
        key=lambda report: ORDER.index(report.key) if report.key in ORDER else len(ORDER),
    )
    return [report for report in reports if user.has_perm(report.permission)]


def _number(value):
    return float(value) if value is not None else 0


def charts(report: Report) -> list[dict]:
    """Chart specifications (labels and data sets) from the report's own tables."""
    tables = {table.key: table for table in report.tables}
    specs = []
    for table_key, label_key, value_keys in CHARTS.get(report.name, []):
        table = tables.get(table_key)
        if table is None or not table.rows:
            continue
        rows = head_rows(table.rows, TABLE_ROWS)
        labels = {field.key: str(field.label) for field in table.fields}
        specs.append(
            {
                "data_id": f"chart-{table_key}",
                "title": str(table.title),
                "labels": [str(row.get(label_key, "")) for row in rows],
                "datasets": [
                    {
                        "label": labels.get(key, key),
                        "data": [_number(r.get(key)) for r in rows],
                    }
                    for key in value_keys
                ],
            }
        )
    return specs


def tables(report: Report) -> list[dict]:
    """Each table's columns and its first ``TABLE_ROWS`` rows as lists of (value, number
    format) cells."""
    return [
        {
            "key": table.key,
            "title": table.title,
            "fields": table.fields,
            "rows": [
                [(row.get(f.key), f.number_format) for f in table.fields]
                for row in head_rows(table.rows, TABLE_ROWS)
            ],
            "total": len(table.rows),
        }
        for table in report.tables
    ]


@login_required
def dashboard(request):
    readable = _readable_reports(request.user)
    if not readable:
        raise PermissionDenied
    key = request.GET.get("report") or readable[0].key
    chosen = next((report for report in readable if report.key == key), None)
    if chosen is None:
        raise Http404
    report, errors = None, None
    try:
        parameters = chosen.parameters(request.GET)
    except ParameterError as error:
        errors = error.detail
    else:
        report = chosen.shown_report(request.user, parameters)
    query = request.GET.copy()
    query.pop("report", None)
    return render(
        request,
        "partners/dashboard.html",
        {
            "reports": readable,
            "chosen": chosen,
            "report": report,
            "errors": errors,
            "charts": charts(report) if report else [],
            "tables": tables(report) if report else [],
            "table_rows": TABLE_ROWS,
            "choices": selectors.partner_filter_choices(request.user),
            "filter_query": query.urlencode(),
        },
        status=400 if errors else 200,
    )
