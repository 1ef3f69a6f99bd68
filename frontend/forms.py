"""Page forms: they carry input to the services, which own the rules and raise field errors."""

import zoneinfo

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import BIO_MAX, DISPLAY_NAME_MAX
from accounts.services import suspension_days
from core.ids import ID_MAX
from discussion.models import COMMENT_MAX
from ideas.models import BODY_MAX, TITLE_MAX, TITLE_MIN, Idea
from ideas.selectors import category_list
from ideas.services import REASON_MAX
from moderation import services as moderation
from moderation.models import APPEAL_MAX, ActionKind, Case, FlagReason, TargetKind
from moderation.models import NOTE_MAX as FLAG_NOTE_MAX
from moderation.models import REASON_MAX as ACTION_REASON_MAX
from moderation.permissions import can_flag
from notifications.models import CHOOSABLE, Delivery, NotificationSettings
from pipeline.models import NOTE_MAX
from pipeline.moves import allowed_moves


def _preview_attrs(kind: str, **attrs) -> dict:
    """A Markdown box that forum.js gives "Write" and "Preview" tabs (the server renders the preview)."""
    return {"data-preview-url": reverse_lazy("api:preview"), "data-preview-kind": kind, **attrs}


def _comment_box(rows: int) -> forms.Textarea:
    """A comment's Markdown box: Preview tab, and @ suggests members (forum.js)."""
    attrs = _preview_attrs("comment", maxlength=COMMENT_MAX, rows=rows, required=True)
    return forms.Textarea(attrs={**attrs, "data-mentions-url": reverse_lazy("api:member-suggest")})


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        strip=False,
        help_text=_("One sentence: what should change?"),
        widget=forms.TextInput(
            attrs={"maxlength": TITLE_MAX, "minlength": TITLE_MIN, "required": True, "autocomplete": "off"}
        ),
    )
    body = forms.CharField(
        label=_("Description"),
        required=False,
        strip=False,
        help_text=_("Why it matters and how it could work. Markdown works: **bold**, lists, [links](https://…)."),
        widget=forms.Textarea(attrs=_preview_attrs("idea", maxlength=BODY_MAX, rows=10, required=True)),
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Optional, separated by commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, idea: Idea | None = None, **kwargs):
        if idea is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": idea.title,
                    "body": idea.body,
                    "category": idea.category_id,
                    "tags": ", ".join(tag.name for tag in idea.tags.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in category_list()}
        self.fields["category"].choices = [("", _("Choose a category"))] + [
            (pk, str(c)) for pk, c in self.categories.items()
        ]

    def service_arguments(self) -> dict:
        """What the submit and edit services take, from the cleaned input."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "category": self.categories.get(data["category"]),
            "tags": [tag for tag in data["tags"].split(",") if tag.strip()],
        }


class DeleteReasonForm(forms.Form):
    """The staff member's reason on the idea delete page; the service checks its length."""

    reason = forms.CharField(
        label=_("Why are you deleting it?"),
        required=False,
        strip=False,
        help_text=_("Kept in the audit trail that moderators and staff read."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )


class ProfileForm(forms.Form):
    """The account page's profile; profile_update checks the name and the lengths."""

    display_name = forms.CharField(
        label=_("Display name"),
        required=False,
        strip=False,
        help_text=_(
            "What others see beside your ideas; without one, your member number. Words such as “moderator” "
            "or “admin” are kept for the staff who hold those roles."
        ),
        widget=forms.TextInput(attrs={"maxlength": DISPLAY_NAME_MAX}),
    )
    bio = forms.CharField(
        label=_("About you"),
        required=False,
        strip=False,
        help_text=_("Shown on your profile. Markdown works."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": BIO_MAX}),
    )


class CommentForm(forms.Form):
    """The comment box and the reply box; comment_post checks the text and the comment answered."""

    body = forms.CharField(
        label=_("Your comment"),
        required=False,
        strip=False,
        help_text=_(
            "Markdown works: **bold**, lists, [links](https://…). Mention a member by typing @ and their name, "
            "or write @[Name](member:12)."
        ),
        widget=_comment_box(5),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=ID_MAX)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        required=False,
        strip=False,
        help_text=CommentForm.base_fields["body"].help_text,
        widget=_comment_box(8),
    )


class NotificationSettingsForm(forms.Form):
    """One choice of e-mail delivery per kind of notification, and the time zone of the digests."""

    time_zone = forms.ChoiceField(
        label=_("Time zone of your digests"),
        required=False,
        help_text=_("Daily and weekly digests arrive in the morning of this time zone."),
    )

    def __init__(self, *args, current: NotificationSettings, **kwargs):
        super().__init__(*args, **kwargs)
        site_zone = _("The site's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE}
        self.fields["time_zone"].choices = [("", site_zone)] + [(z, z) for z in sorted(zoneinfo.available_timezones())]
        self.fields["time_zone"].initial = current.time_zone
        for kind in CHOOSABLE:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect, initial=current.delivery_of(kind)
            )

    def kind_fields(self) -> list:
        return [self[kind.value] for kind in CHOOSABLE]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"delivery": {kind.value: data[kind.value] for kind in CHOOSABLE}, "time_zone": data["time_zone"]}


def _note_box(rows: int = 5) -> forms.Textarea:
    """A public or internal note: Markdown with a Preview tab (the server renders it, without mentions)."""
    return forms.Textarea(attrs=_preview_attrs("idea", maxlength=NOTE_MAX, rows=rows))


class MoveForm(forms.Form):
    """The product team's move of one idea: where to (only the moves the table allows from where it is),
    the public note, and the status the mover saw (so a move made meanwhile is refused, not overwritten)."""

    status = forms.ChoiceField(label=_("Move to"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Public note"),
        required=False,
        strip=False,
        help_text=_("Shown on the idea's timeline and sent to its author, voters and followers. Markdown works."),
        widget=_note_box(),
    )
    from_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, idea: Idea, **kwargs):
        kwargs.setdefault("initial", {"from_status": idea.status})
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(status.value, status.label) for status in allowed_moves(idea.status)]


class MergeForm(forms.Form):
    """Merge a duplicate: into one of the similar ideas offered, or into any idea by its number."""

    into = forms.TypedChoiceField(
        label=_("Merge into"), coerce=int, required=False, empty_value=None, widget=forms.RadioSelect
    )
    number = forms.IntegerField(
        label=_("Or the idea's number"),
        required=False,
        min_value=1,
        max_value=ID_MAX,
        help_text=_("As in /ideas/123/."),
    )
    note = forms.CharField(
        label=_("Why it is a duplicate"),
        required=False,
        strip=False,
        help_text=_("Shown on both ideas' timelines and sent to the people who move with it. Markdown works."),
        widget=_note_box(3),
    )
    from_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, idea: Idea, candidates: list[Idea], **kwargs):
        kwargs.setdefault("initial", {"from_status": idea.status})
        kwargs.setdefault("auto_id", "merge_%s")  # beside the move form on the same page
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(other.pk, f"#{other.pk} {other.title}") for other in candidates]

    def clean(self):
        data = super().clean()
        number, into = data.get("number"), data.get("into")
        if number is not None and into is not None and number != into:
            # A merge is final: two different targets are a question, not a choice to guess.
            raise forms.ValidationError(_("Choose a similar idea or give a number, not both."))
        target = number or into
        if target is None and not self.errors:
            raise forms.ValidationError(_("Choose the idea to merge into, or give its number."))
        data["target"] = target
        return data


class InternalNoteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "internal_%s")  # beside the comment box on the same page
        super().__init__(*args, **kwargs)

    body = forms.CharField(
        label=_("Internal note"),
        required=False,
        strip=False,
        help_text=_("Only the product team and moderators see it. Markdown works."),
        widget=_note_box(3),
    )


class BulkMoveForm(forms.Form):
    """The triage list's bulk move: where to, and one public note for all the ideas ticked (the view
    reads the ticked ids, checkboxes of the list's rows)."""

    status = forms.ChoiceField(label=_("Move the selected ideas to"))
    note = forms.CharField(
        label=_("Public note for each of them"),
        required=False,
        strip=False,
        help_text=_("Shown on each idea's timeline and sent to its author, voters and followers."),
        widget=_note_box(3),
    )

    def __init__(self, *args, statuses: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Choose a status"))] + [(s.value, s.label) for s in statuses]


# Moderation: flags, decisions, appeals.


class FlagForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput, max_length=40)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=FlagReason.choices, widget=forms.RadioSelect)
    original = forms.CharField(
        label=_("The idea it repeats (its address or number)"),
        required=False,
        max_length=2000,
        help_text=_("Only for a duplicate."),
    )
    note = forms.CharField(
        label=_("Anything the moderators should know"),
        required=False,
        max_length=FLAG_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you choose “Other”."),
    )

    def __init__(self, *args, prefix_id: str = "flag", **kwargs):
        super().__init__(*args, auto_id=f"{prefix_id}_%s", **kwargs)


class DecideForm(forms.Form):
    """One decision on one case; the actions offered are those valid for the case (moderation.services)."""

    action = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (the author reads it)"),
        max_length=ACTION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    days = forms.TypedChoiceField(label=_("Suspend for"), coerce=int, required=False, empty_value=None, choices=())
    original = forms.CharField(label=_("Duplicate of (address or number)"), required=False, max_length=2000)
    title = forms.CharField(label=_("Title"), required=False, max_length=2000)
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, case: Case, **kwargs):
        target = case.idea or case.comment
        initial = {
            "days": suspension_days(case.author) if case.author else None,
            "title": case.idea.title if case.idea else "",
            "body": target.body if target else "",
        }
        super().__init__(*args, initial=initial, auto_id=f"case{case.pk}_%s", **kwargs)
        self.case = case
        choices = moderation.APPEAL_ACTIONS if case.is_appeal else moderation.ACTIONS[case.kind]
        self.fields["action"].choices = [(choice.value, choice.label) for choice in choices]
        self.fields["days"].choices = [
            (days, _("%(n)s days") % {"n": days} if days != 1 else _("1 day")) for days in settings.SUSPENSION_DAYS
        ]
        shown = {"action", "reason"}
        if not case.is_appeal:
            if ActionKind.SUSPEND in choices:
                shown.add("days")
            if case.kind == TargetKind.IDEA:
                shown |= {"original", "title", "body"}
            elif case.kind == TargetKind.COMMENT:
                shown.add("body")
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]

    def service_arguments(self) -> dict:
        """What case_decide takes: the edit's fields only for an edit, so a prefilled text is no edit."""
        data = self.cleaned_data
        values = {"action": data["action"], "reason": data["reason"], "days": data.get("days")}
        if data["action"] == ActionKind.DUPLICATE:
            values["original"] = data.get("original", "")
        if data["action"] == ActionKind.EDIT:
            if "title" in data:
                values["title"] = data["title"]
            values["body"] = data.get("body", "")
        return values


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the action be undone?"),
        max_length=APPEAL_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def flag_form(viewer, *, target: str, author_id: int | None, back: str) -> FlagForm | None:
    """The "Flag" form beside an idea or on a profile, for those moderation lets flag it (not its author)."""
    if not can_flag(user=viewer, author_id=author_id):
        return None
    return FlagForm(initial={"target": target, "next": back})
