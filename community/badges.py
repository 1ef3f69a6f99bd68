"""The badges: what each one is for. Their rules and the awarding (by the worker) live here too."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Badge:
    slug: str
    name: str
    description: str
    monthly: bool = False  # earned once per month (Award.period "2026-03"), not once ever


BADGES = {
    badge.slug: badge
    for badge in [
        Badge("first_idea", _("First idea"), _("Proposed a first idea.")),
        Badge("first_comment", _("First comment"), _("Joined a conversation for the first time.")),
        Badge("first_launch", _("Launched"), _("An idea of theirs was launched.")),
        Badge("hundred_upvotes", _("Crowd favourite"), _("Received 100 upvotes on their ideas.")),
        Badge("well_answered", _("Heard"), _("The product team answered an idea of theirs officially.")),
        Badge("helpful_flagger", _("Helpful flagger"), _("Five of their flags were upheld by moderators.")),
        Badge("great_sharer", _("Great sharer"), _("Their shares brought five new members.")),
        Badge("top_contributor", _("Top contributor"), _("Earned the most points in a month."), monthly=True),
    ]
}
