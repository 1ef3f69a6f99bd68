"""Early warning pages: the open alerts, and a moderator acknowledging one (the form in moderation/_alerts.html)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from frontend.views.common import refused, requires, safe_next
from moderation import selectors, services
from moderation.events import MODERATION
from moderation.models import Alert
from moderation.permissions import can_see_moderation


@requires(can_see_moderation)
@require_GET
def moderation_alerts(request):
    """Moderators and staff: the alerts nobody has acknowledged yet, live."""
    context = {"alerts": selectors.open_alerts(viewer=request.user), "live_topics": [MODERATION]}
    return render(request, "moderation/alerts.html", context)


@requires(can_see_moderation)
@require_POST
def moderation_alert_acknowledge(request, pk: int):
    """A moderator acknowledges an alert; back to the page the form was on (the queue, or the alerts)."""
    try:
        alert = selectors.alert_get(pk=pk, viewer=request.user)
    except Alert.DoesNotExist:
        raise Http404(_("No such alert.")) from None
    try:
        services.alert_acknowledge(actor=request.user, alert=alert)
    except services.AlreadyAcknowledged as error:
        messages.info(request, error.message)
    except DomainError as error:
        return refused(request, error)
    else:
        messages.success(request, _("Alert acknowledged: it is off the queue for every moderator."))
    return redirect(safe_next(request, request.POST.get("next", ""), reverse("moderation_alerts")))
