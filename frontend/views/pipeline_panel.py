"""What the idea page shows of the pipeline: the public timeline for everyone, the move and merge panel
for the product team, the internal notes for staff. Shared by the idea page and the pipeline's forms,
which show the page again with what was typed when a move is refused."""

from django.forms import Form

from frontend.forms import InternalNoteForm, MergeForm, MoveForm
from ideas.models import Idea, Status
from ideas.selectors import idea_similar
from pipeline.moves import can_merge_from
from pipeline.permissions import can_move, can_see_internal_notes
from pipeline.selectors import internal_notes, timeline


def merge_candidates(*, idea: Idea, viewer) -> list[Idea]:
    """Ideas like this one that it could be merged into: the likely duplicates, still going somewhere."""
    if not can_merge_from(idea.status):
        return []
    similar = idea_similar(title=idea.title, viewer=viewer, exclude_pk=idea.pk)
    return [other for other in similar if other.status not in {Status.MERGED, Status.DECLINED}]


def idea_pipeline(
    *,
    viewer,
    idea: Idea,
    move_form: Form | None = None,
    merge_form: Form | None = None,
    note_form: Form | None = None,
    conflict: str = "",
) -> dict:
    """The idea page's pipeline context: the forms given (a refused one, with what was typed) or fresh ones."""
    context = {
        "timeline": timeline(idea=idea, viewer=viewer),
        "may_move": False,
        "may_see_notes": False,
        "move_conflict": conflict,
    }
    if can_move(user=viewer):
        context.update(
            may_move=True,
            move_form=move_form or MoveForm(idea=idea),
            may_merge=can_merge_from(idea.status),
            merge_form=merge_form or MergeForm(idea=idea, candidates=merge_candidates(idea=idea, viewer=viewer)),
        )
    if can_see_internal_notes(user=viewer):
        context.update(
            may_see_notes=True, internal_notes=internal_notes(idea=idea), note_form=note_form or InternalNoteForm()
        )
    return context
