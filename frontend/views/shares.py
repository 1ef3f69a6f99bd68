"""Share links on the idea page: a visit through a coded link, the share buttons, and where visitors came from."""

from html import unescape
from urllib.parse import quote, urlencode

from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from community import permissions, shares
from community.models import Channel
from ideas.models import Idea

EXCERPT_WORDS = 40
LINKED = [Channel.FACEBOOK, Channel.X, Channel.LINKEDIN, Channel.EMAIL]  # the copy button is the fifth


def followed_share(request, idea: Idea):
    """Someone came through a shared link (?s=<code>): the visit is counted (a forged or own code counts
    nothing) and kept in the session for a sign-up or vote that follows; then the clean URL, without ?s=."""
    visit = shares.share_visit(
        idea=idea,
        code=request.GET.get("s", ""),
        viewer=request.user,
        client=request.META.get("REMOTE_ADDR", ""),  # hashed with the day's salt, never stored as it is
        agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    if visit is not None and not request.user.is_authenticated:  # a member's visit is theirs already
        kept = [pk for pk in request.session.get(shares.SESSION_KEY, []) if pk != visit.pk]
        request.session[shares.SESSION_KEY] = [*kept, visit.pk][-shares.SESSION_VISITS :]
    query = request.GET.copy()
    query.pop("s")
    return redirect(idea.get_absolute_url() + (f"?{query.urlencode()}" if query else ""))


def _link(channel: str, *, url: str, title: str) -> dict:
    """One share button's link: a plain link to the site's own share page, no scripts of theirs."""
    text = _("An idea worth a vote: %(title)s") % {"title": title}
    body = f"{text}\n\n{url}"
    hrefs = {
        Channel.FACEBOOK: "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        Channel.X: "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": text}),
        Channel.LINKEDIN: "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        Channel.EMAIL: f"mailto:?subject={quote(title)}&body={quote(body)}",
    }
    return {"channel": channel, "label": Channel(channel).label, "href": hrefs[channel]}


def share_panel(request, idea: Idea) -> dict:
    """The idea page's share buttons (a member's links carry their codes), how often it was shared, the
    sources section for its author and staff, and its Open Graph description."""
    viewer = request.user
    may_share = bool(permissions.can_share(user=viewer))

    def url_for(channel: str) -> str:
        code = shares.share_code(viewer.pk, channel) if may_share else None
        return request.build_absolute_uri(shares.share_path(idea, code))

    sources = shares.share_sources(idea) if permissions.can_see_sources(user=viewer, idea=idea) else None
    return {
        "share_links": [_link(channel, url=url_for(channel), title=idea.title) for channel in LINKED],
        "share_copy_url": url_for(Channel.LINK),
        "share_counts": may_share,
        "times_shared": shares.times_shared(sources) if sources is not None else shares.share_count(idea),
        "share_sources": sources,
        "og_url": request.build_absolute_uri(idea.get_absolute_url()),
        "og_description": Truncator(unescape(strip_tags(idea.body_html))).words(EXCERPT_WORDS),
        "og_image": request.build_absolute_uri(static("frontend/og-default.png")),
    }
