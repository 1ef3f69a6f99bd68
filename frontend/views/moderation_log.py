"""The audit log page of moderators and staff: every moderator and product-team action, filtered, paged,
with the same rows as CSV through the API."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from frontend.views.common import read_params, requires
from moderation import selectors
from moderation.permissions import can_see_moderation


@requires(can_see_moderation)
@require_GET
def moderation_log(request):
    """Who did what to which idea, comment or member, why and when, the latest first; "More" pages on and
    "Download CSV" takes every row the filters match. Visitors sign in; members get the 403 page."""
    params, query, problems = read_params(request.GET, selectors.log_params)
    page = selectors.audit_log(viewer=request.user, params=params)
    query.pop("cursor", None)
    filters = query.urlencode()
    following = query.copy()
    following["cursor"] = page.next_cursor or ""
    context = {
        "rows": page.rows,
        "params": params,
        "problems": problems,
        "actions": selectors.LOG_VERBS,
        "next_query": following.urlencode() if page.next_cursor else None,
        "first_page": not params.cursor,
        "start_query": filters,
        "csv_url": reverse("api:moderation-log-csv") + (f"?{filters}" if filters else ""),
    }
    return render(request, "moderation/log.html", context, status=400 if problems else 200)
