"""Manager reports computed from partner data: each a selector returning a ``core.reports.Report``
built by a fixed number of aggregate queries."""
