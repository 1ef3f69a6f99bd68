"""Member pages: public profiles, one's account settings, data export and account deletion."""

import json

from allauth.account.decorators import reauthentication_required
from allauth.account.views import password_set as allauth_password_set
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import reauthentication, selectors, services
from accounts.authentication import token_expired, token_expires_at
from accounts.models import User
from community import selectors as community_selectors
from frontend.forms import ProfileForm, flag_form
from frontend.views.common import read_params
from frontend.views.moderation import hidden_notice
from ideas.selectors import member_ideas


@require_GET
def member_profile(request, pk: int):
    try:
        member = selectors.member_get(pk=pk)
    except User.DoesNotExist:
        raise Http404(_("No member with that number.")) from None
    viewer = request.user
    ideas = member_ideas(member=member, viewer=viewer)[:50]
    context = {
        "member": member,
        "ideas": ideas,
        "profile_concealed": member.profile_concealed_from(viewer),
        "hidden_notice": None,
        "flag_form": flag_form(
            viewer, target=f"member:{member.pk}", author_id=member.pk, back=member.get_absolute_url()
        ),
    }
    if member.profile_is_hidden and not context["profile_concealed"]:
        context["hidden_notice"] = hidden_notice(
            viewer=viewer, target=f"member:{member.pk}", author_id=member.pk, obj=member
        )
    context.update(_points(request, member))
    return render(request, "members/profile.html", context, status=400 if context.get("ledger_problems") else 200)


def _points(request, member) -> dict:
    """The member's points and badges for everyone; for the member themself, their ledger a page at a time
    (?cursor= pages on), so they see how they earned them."""
    shown = {"points": community_selectors.points_total(member), "badges": community_selectors.badges_shown(member)}
    if request.user.pk != member.pk:
        return shown
    (cursor, size), _query, problems = read_params(request.GET, community_selectors.ledger_params)
    page = community_selectors.ledger_page(member=member, cursor=cursor, size=size)
    return {**shown, "ledger": page.rows, "ledger_next": page.next_cursor, "ledger_problems": problems}


@never_cache  # it shows the API token: no copy in any cache
@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"display_name": user.display_name, "bio": user.bio})
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("account")
    context = {
        "form": form,
        "connections": selectors.member_connections(user=user),
    }
    token = selectors.member_token(user=user)
    if token is not None:
        context["token"] = {"key": token.key, "expires_at": token_expires_at(token), "expired": token_expired(token)}
    return render(request, "members/account.html", context)


@login_required
@require_http_methods(["POST"])
def account_token(request):
    """Make the API token, make a new one in its place (the old one stops working), or revoke it."""
    action = request.POST.get("action", "create")
    if action == "revoke":
        services.api_token_revoke(actor=request.user)
        messages.success(request, _("Your API token is revoked: scripts using it are refused now."))
    elif action == "regenerate":
        services.api_token_regenerate(actor=request.user)
        messages.success(request, _("You have a new API token. The old one no longer works."))
    else:
        services.api_token_issue(actor=request.user)
        messages.success(request, _("Your API token is ready."))
    return redirect("account")


@never_cache
@login_required
@require_GET
def account_export(request):
    data = json.dumps(selectors.member_export(user=request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="idea-forum-export.json"'
    return response


@login_required
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Deleting needs a fresh sign-in within the last minutes: the password (allauth's
    reauthentication), or for a member without one, a provider again."""
    if reauthentication.needs_provider_sign_in(request):
        return render(
            request,
            "members/confirm_delete.html",
            {"sign_in_again": True, "providers": reauthentication.sign_in_providers(request)},
        )
    if request.method == "POST":
        services.account_delete(actor=request.user, user=request.user)
        logout(request)
        messages.success(request, _("Your account is deleted. Your ideas stay, under “Deleted member”."))
        return redirect("idea_list")
    return render(request, "members/confirm_delete.html")


@login_required
def password_set(request):
    """allauth sets a first password without asking anything, and a password is one more way in:
    a member without one signs in through a provider again first, as for deleting the account."""
    if reauthentication.needs_provider_sign_in(request):
        providers = reauthentication.sign_in_providers(request)
        if providers:
            context = {"providers": providers, "heading": _("Set a password")}
            return render(request, "members/sign_in_again.html", context)
    return allauth_password_set(request)
