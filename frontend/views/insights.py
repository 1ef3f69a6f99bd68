"""The staff dashboard (product team and admins): the pipeline, activity, contributors and word of mouth,
as server-drawn charts each with its table and a CSV file of it, filtered by a range of days and a category."""

import csv
from urllib.parse import urlencode

from csp.decorators import csp
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from community import insights, permissions
from core.text import csv_cell
from frontend.charts import CHART_CSP, DRAWN, chart_svg
from frontend.views.common import requires
from ideas.selectors import BadListParameter, categories_in_order
from moderation.selectors import open_alerts


def _filters(request) -> tuple[insights.Filters | None, dict[str, str]]:
    """The filters asked for, or None and the bad one's message under its field's name."""
    try:
        return insights.read_filters(request.GET), {}
    except BadListParameter as error:
        return None, {error.field: error.message}


@requires(permissions.can_see_insights)
@require_GET
def insights_dashboard(request):
    """Every figure of the dashboard for the range and category asked for (the last 90 days by default);
    a bad filter is named on the form, with a 400 and no figures."""
    filters, errors = _filters(request)
    context = {
        "errors": errors,
        "asked": {name: request.GET.get(name, "") for name in ("from", "to", "category")},
        "categories": categories_in_order(),
        "run": insights.last_run(),
    }
    if filters is None:
        return render(request, "insights/dashboard.html", context, status=400)
    query = urlencode(filters.query())
    context["filters"] = filters
    context["figures"] = [
        {
            "table": table,
            "chart_url": f"{reverse('insights_chart', args=[name])}?{query}" if table.rows else None,
            "csv_url": f"{reverse('insights_csv', args=[name])}?{query}",
        }
        for name, table in insights.dashboard(filters).items()
    ]
    context["alerts"] = open_alerts(viewer=request.user)
    return render(request, "insights/dashboard.html", context)


def _table(request, name: str) -> tuple[insights.Filters, insights.Table] | HttpResponse:
    """One of the dashboard's tables (404 if none), read with the filters asked for; a bad filter is a plain
    400 naming it."""
    if name not in insights.TABLES:
        raise Http404
    filters, errors = _filters(request)
    if filters is None:
        field, message = next(iter(errors.items()))
        return HttpResponse(f"{field}: {message}\n", status=400, content_type="text/plain; charset=utf-8")
    return filters, insights.TABLES[name](filters)


@requires(permissions.can_see_insights)
@require_GET
def insights_csv(request, name: str):
    """One table of the dashboard as CSV, with the page's filters; cells a spreadsheet would run as a
    formula are written as text."""
    asked = _table(request, name)
    if isinstance(asked, HttpResponse):
        return asked
    filters, table = asked
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{filters.start}-{filters.end}.csv"'
    writer = csv.writer(response)
    writer.writerow([csv_cell(column) for column in table.columns])
    writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)
    return response


@requires(permissions.can_see_insights)
@require_GET
@csp(CHART_CSP)
def insights_chart(request, name: str):
    """One table of the dashboard as a pygal chart, an SVG image with the page's filters (the page embeds
    it with <img>; its own CSP lets its inline style apply and nothing else)."""
    if name not in DRAWN:
        raise Http404
    asked = _table(request, name)
    if isinstance(asked, HttpResponse):
        return asked
    table = asked[1]
    response = HttpResponse(chart_svg(name, table.columns, table.rows), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
