"""Every write on ideas: submit, edit, delete. Pages and the API both call these."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from core import audit, ratelimit
from core.content import render_markdown
from core.live import publish
from core.text import strip_invisible
from ideas import events, ranking
from ideas.models import BODY_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX, TITLE_MIN, Category, Idea, Tag
from ideas.permissions import can_delete, can_edit, is_staff_action

REASON_MAX = 1000


def _clean_tags(names: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        name = " ".join(strip_invisible(name).split())
        if name and name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name)
    return cleaned


def _validate(*, title: str, body: str, category: Category | None, tags: list[str]) -> None:
    """Raise one ValidationError naming every field that is wrong, before anything is stored."""
    errors: dict[str, list[str]] = {}
    if len(title) < TITLE_MIN:
        errors["title"] = [
            ngettext(
                "Give your idea a title of at least %(n)d character.",
                "Give your idea a title of at least %(n)d characters.",
                TITLE_MIN,
            )
            % {"n": TITLE_MIN}
        ]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title to %(n)d characters or fewer.") % {"n": TITLE_MAX}]
    if not body:
        errors["body"] = [_("Describe your idea.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("Keep the description to %(n)s characters or fewer.") % {"n": f"{BODY_MAX:,}"}]
    if category is None or not category.is_active:
        errors["category"] = [_("Choose one of the categories.")]
    if len(tags) > TAGS_MAX:
        errors["tags"] = [_("Use at most %(n)d tags.") % {"n": TAGS_MAX}]
    elif any(len(tag) > TAG_MAX or not slugify(tag) for tag in tags):
        errors["tags"] = [_("Each tag needs letters or digits and at most %(n)d characters.") % {"n": TAG_MAX}]
    if errors:
        raise ValidationError(errors)


def _set_tags(idea: Idea, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        tags.append(tag)
    idea.tags.set(tags)


def idea_submit(*, actor: User, title: str, body: str, category: Category | None, tags: Sequence[str] = ()) -> Idea:
    """A member proposes an idea; it starts as `new`, open for votes."""
    title, body, tags = strip_invisible(title).strip(), body.strip(), _clean_tags(list(tags))
    _validate(title=title, body=body, category=category, tags=tags)
    ratelimit.check_write(actor=actor, action="idea_submit")
    body_html = render_markdown(body)
    with transaction.atomic():
        idea = Idea.objects.create(author=actor, title=title, body=body, body_html=body_html, category=category)
        idea.hot = ranking.hot(0, idea.created_at)
        idea.save(update_fields=["hot"])
        _set_tags(idea, tags)
    publish(*events.idea_created(idea))
    return idea


def idea_edit(
    *, idea: Idea, actor: User, title: str, body: str, category: Category | None, tags: Sequence[str] | None = None
) -> Idea:
    """The author changes their idea; the stored HTML is rendered again."""
    can_edit(user=actor, idea=idea).check()
    title, body = strip_invisible(title).strip(), body.strip()
    tags = _clean_tags(tags) if tags is not None else None
    _validate(title=title, body=body, category=category, tags=tags or [])
    body_html = render_markdown(body)
    with transaction.atomic():
        idea.title, idea.body, idea.category, idea.body_html = title, body, category, body_html
        idea.edited_at = timezone.now()
        idea.save(update_fields=["title", "body", "body_html", "category", "edited_at", "updated_at"])
        if tags is not None:
            _set_tags(idea, tags)
    publish(*events.idea_changed(idea))
    return idea


def idea_delete(*, idea: Idea, actor: User, reason: str = "") -> None:
    """The author or staff removes an idea; it disappears from every list and page. Staff removing
    someone else's idea is written to the audit trail with their reason. An idea deleted meanwhile
    raises Idea.DoesNotExist: it is deleted once, recorded once and announced once."""
    can_delete(user=actor, idea=idea).check()
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("Keep the reason to %(n)d characters or fewer.") % {"n": REASON_MAX}]})
    with transaction.atomic():
        Idea.objects.visible().select_for_update().get(pk=idea.pk)
        idea.deleted_at = timezone.now()
        idea.save(update_fields=["deleted_at", "updated_at"])
        if is_staff_action(user=actor, idea=idea):
            audit.record(actor=actor, verb="idea.deleted", target=idea, reason=reason)
    publish(*events.idea_changed(idea))
