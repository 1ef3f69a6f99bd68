"""Notification pages: the member's notifications by day, opening one, marking read, the e-mail
choices, and the one-click unsubscribe link of every e-mail (which works signed out)."""

import zoneinfo
from datetime import timedelta
from itertools import groupby
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from core.paging import BadCursor, keyset_page
from frontend.forms import NotificationSettingsForm
from frontend.views.common import safe_next
from notifications import selectors, services
from notifications.digests import member_zone
from notifications.models import CHOOSABLE, Kind, Notification
from notifications.unsubscribe import BadLink, read_token

PAGE_SIZE = 30


def _notification(request, pk: int) -> Notification:
    try:
        return selectors.notification_get(member=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404(_("No notification with that number.")) from None


def _zone(request) -> zoneinfo.ZoneInfo:
    """The member's time zone for their notifications' days and times (the site's if they chose none)."""
    return member_zone(selectors.settings_of(member=request.user).time_zone)


def day_label(day, today) -> str:
    """ "Today", "Yesterday", else the date, as the member reads it."""
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    return formats.date_format(day, "DATE_FORMAT")


def group_by_day(notifications: list[Notification], zone: zoneinfo.ZoneInfo) -> list[dict]:
    """The notifications under the local day of their latest activity, newest first."""
    today = timezone.now().astimezone(zone).date()
    days = []
    for day, rows in groupby(notifications, key=lambda n: n.updated_at.astimezone(zone).date()):
        days.append({"day": day, "label": day_label(day, today), "is_today": day == today, "items": list(rows)})
    return days


@login_required
@require_GET
def notification_list(request):
    cursor, problem = request.GET.get("cursor") or None, None
    rows = selectors.notification_list(member=request.user)
    try:
        page = keyset_page(rows, field="updated_at", cursor=cursor, size=PAGE_SIZE)
    except BadCursor as error:
        cursor, problem = None, error.message
        page = keyset_page(rows, field="updated_at", cursor=None, size=PAGE_SIZE)
    zone = _zone(request)
    context = {
        "days": group_by_day(page.rows, zone),
        "first_page": cursor is None,
        "next_cursor": page.next_cursor,
        "problem": problem,
        "zone": zone,
        "return_to": request.get_full_path(),
    }
    return render(request, "notifications/list.html", context, status=400 if problem else 200)


@login_required
@require_GET
def notification_item(request, pk: int):
    """One notification as the list shows it, for the live list."""
    notification = _notification(request, pk)
    zone = _zone(request)
    context = {"notification": notification, "zone": zone, "return_to": reverse("notification_list")}
    return render(request, "notifications/_item.html", context)


@login_required
@require_GET
def notification_open(request, pk: int):
    """Go to what the notification points to (the exact comment); it is read now."""
    notification = _notification(request, pk)
    services.notifications_read(actor=request.user, ids=[notification.pk])
    return redirect(safe_next(request, notification.link, "/"))


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = _notification(request, pk)
    services.notifications_read(actor=request.user, ids=[notification.pk])
    return redirect(f"{_list_url(request)}#notification-{notification.pk}")


@login_required
@require_POST
def notifications_read_all(request):
    if services.notifications_read(actor=request.user, everything=True):
        messages.success(request, _("All your notifications are marked read."))
    return redirect(_list_url(request))


def _list_url(request) -> str:
    """The list page the form was on (its cursor kept), else the first."""
    first = reverse("notification_list")
    back = request.POST.get("next", "")
    ours = urlsplit(back).path == first and url_has_allowed_host_and_scheme(back, {request.get_host()})
    return back if ours else first


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = selectors.settings_of(member=request.user)
    form = NotificationSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error.messages)  # its keys are the service's, not the form's fields
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings")
    return render(request, "notifications/settings.html", {"form": form}, status=400 if form.errors else 200)


@csrf_exempt  # the signed token is the authority, and mail clients post it without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def notifications_unsubscribe(request, token: str):
    """Stop one kind of e-mail from a link in one: GET says what stops and asks, POST stops it."""
    try:
        member_id, kind = read_token(token)
        member = User.objects.get(pk=member_id, is_active=True)
        if kind not in CHOOSABLE:
            raise BadLink()
    except (BadLink, User.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"kind_label": Kind(kind).label, "token": token}
    if request.method == "POST":
        services.unsubscribe(member=member, kind=kind)
        return render(request, "notifications/unsubscribed.html", context)
    return render(request, "notifications/unsubscribe.html", context)
