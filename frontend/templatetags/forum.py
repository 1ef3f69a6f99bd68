"""Template helpers of the pages: avatars, role badges, provider icons, the reason a vote button is
disabled, and what the form templates need (error counts, the field a form-wide error links to)."""

from django import forms, template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from ideas.models import Status
from moderation.selectors import queue_count
from voting.permissions import can_vote, voting_closed

register = template.Library()

PROVIDER_ICONS = {"google", "facebook", "github", "microsoft", "linkedin"}


@register.simple_tag(takes_context=True)
def avatar(context, user, size: str = "sm"):
    """The member's picture from their provider, else their initials in a coloured circle; a profile hidden
    by moderation shows its picture only to the member and staff (core.hiding)."""
    if user is None:
        return format_html('<span class="avatar avatar-{} avatar-initials" aria-hidden="true">?</span>', size)
    if user.avatar_url and not user.profile_concealed_from(context.get("user")):
        return format_html(
            '<img class="avatar avatar-{}" src="{}" alt="" referrerpolicy="no-referrer">', size, user.avatar_url
        )
    return format_html(
        '<span class="avatar avatar-{} avatar-initials avatar-hue-{}" aria-hidden="true">{}</span>',
        size,
        (user.pk or 0) % 6,
        user.initials,
    )


@register.simple_tag
def role_badges(user):
    """A badge for each role the member holds, beside their name wherever it appears: the role's name in
    words, so staff stand out from members who only call themselves that. Lists prefetch the roles."""
    if user is None:
        return ""
    return format_html_join(
        "", ' <span class="role-badge role-{}">{}</span>', ((role.value, role.label) for role in user.roles)
    )


@register.filter
def provider_icon(provider_id: str) -> str:
    """The icon of a sign-in provider; OpenID Connect providers of one's own get a generic one."""
    name = provider_id if provider_id in PROVIDER_ICONS else "openid"
    return static(f"frontend/providers/{name}.svg")


@register.simple_tag
def status_labels():
    """Every status's name as data-status-<value> attributes of the live region, for what live.js says."""
    return format_html_join("", ' data-status-{}="{}"', ((status.value, status.label) for status in Status))


@register.simple_tag(takes_context=True)
def vote_refusal(context, idea) -> str:
    """Why the signed-in member may not vote on this idea (voting.permissions), or "" if they may.
    Visitors may press the buttons of an open idea: they are asked to sign in, and the vote is cast
    afterwards; a closed one tells them why, as it tells members."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return voting_closed(idea)
    return can_vote(user=user, idea=idea).reason


@register.simple_tag
def error_count(form_or_errors) -> int:
    """How many error messages a submitted form shows (the page title and the error summary say it);
    anything else (no form on the page) is 0."""
    if isinstance(form_or_errors, forms.BaseForm) and form_or_errors.is_bound:
        return sum(len(errors) for errors in form_or_errors.errors.values())
    return 0


@register.simple_tag
def first_visible_field(form):
    """The field an error of the whole form (a wrong password, say) links to: the form's first."""
    fields = form.visible_fields()
    return fields[0] if fields else None


@register.simple_tag(takes_context=True)
def moderation_open_count(context) -> int:
    """The open cases beside the header's "Moderation" link, for staff (one query on their pages)."""
    return queue_count(viewer=context["user"])


@register.filter
def seen_by(idea, user) -> bool:
    """`{% if idea.merged_into|seen_by:user %}`: whether the reader may see that idea (Idea.seen_by)."""
    return idea is not None and idea.seen_by(user)


@register.simple_tag(takes_context=True)
def member_points(context, user):
    """The member's points beside their name, where the view read them for every name on the page in one query
    (`member_points` in the context, from community.selectors.points_of); nothing elsewhere."""
    points = context.get("member_points")
    if user is None or not points or user.pk not in points:
        return ""
    total = points[user.pk]
    label = ngettext("%(points)d point", "%(points)d points", total) % {"points": total}
    return format_html(' <span class="member-points" title="{}">{}</span>', label, label)
