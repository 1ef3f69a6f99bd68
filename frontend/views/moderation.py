"""Moderation pages: what a moderator did to a member's content and why, with the member's one appeal."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from frontend.views.common import answer, attempt, refused
from moderation import selectors, services
from moderation.models import APPEAL_MAX, Action
from moderation.permissions import can_appeal


class AppealForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why should the action be undone?"),
        max_length=APPEAL_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderation_action(request, pk: int):
    """The author reads what was done to their content and why, and may appeal it once."""
    try:
        action = selectors.action_get(pk=pk, viewer=request.user)
    except Action.DoesNotExist:
        raise Http404(_("No such moderation action.")) from None
    form, limited = AppealForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            form, lambda: services.appeal_create(actor=request.user, action=action, text=form.cleaned_data["text"])
        )
        if outcome.done:
            messages.success(request, _("Your appeal is with the moderators: another moderator decides it."))
            return redirect("moderation_action", pk=action.pk)
        if outcome.refusal is not None:
            return refused(request, outcome.refusal)
        limited = outcome.limited
    context = {
        "action": action,
        "form": form,
        "may_appeal": not hasattr(action, "appeal") and bool(can_appeal(user=request.user, action=action)),
    }
    return answer(render(request, "moderation/action.html", context, status=400 if form.errors else 200), limited)
