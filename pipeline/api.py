"""API of the pipeline: move, bulk-move and merge ideas, their public timeline, the roadmap, the product
team's triage list and the staff's internal notes. Views validate the shape of input and call services
and selectors; the rules live in the services and errors go through the one handler of core/errors.py."""

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.ids import ID_MAX, id_from
from core.permissions import VerdictPermission
from core.schema import error_response
from ideas import selectors as idea_selectors
from ideas.api import AuthorSerializer, idea_not_found, idea_or_404
from ideas.filters import CategoryField
from ideas.models import Category, Idea, Status
from pipeline import selectors, services
from pipeline.models import NOTE_MAX, InternalNote
from pipeline.permissions import can_move, can_see_internal_notes

# Twice the limit, so that the service says how long a note may be; beyond it, the parser says the same.
_NOTE_FIELD = {
    "max_length": NOTE_MAX * 2,
    "trim_whitespace": False,
    "allow_blank": True,
    "error_messages": {"max_length": lazy(services.note_too_long, str)()},
}
_ID = {"min_value": 1, "max_value": ID_MAX}


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


class ProductTeamOnly(VerdictPermission):
    rule = staticmethod(can_move)


class StaffOnly(VerdictPermission):
    rule = staticmethod(can_see_internal_notes)


class StatusChangeSerializer(serializers.Serializer):
    """One public move of an idea: who, from what, to what, why and when; a merge says where it went."""

    id = serializers.IntegerField()
    idea = serializers.IntegerField(source="idea_id")
    from_status = serializers.ChoiceField(choices=Status.choices)
    to_status = serializers.ChoiceField(choices=Status.choices)
    to_label = serializers.CharField(source="get_to_status_display")
    note = serializers.CharField(help_text=_("The public note, in Markdown; may be empty."))
    note_html = serializers.CharField(help_text=_("The note rendered."))
    actor = AuthorSerializer(allow_null=True, help_text=_("The product team member; null once their account is gone."))
    created_at = serializers.DateTimeField()
    merged_into = serializers.IntegerField(
        source="merged_into_id", allow_null=True, help_text=_("The idea it was merged into, on a merge.")
    )


class MoveResultSerializer(StatusChangeSerializer):
    status = serializers.ChoiceField(source="to_status", choices=Status.choices, help_text=_("The idea's status now."))


class BulkResultSerializer(serializers.Serializer):
    changes = MoveResultSerializer(many=True)


class TransitionSerializer(serializers.Serializer):
    """Only the shape of the input: which moves are allowed, and when a note is needed, the service says."""

    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, default="", **_NOTE_FIELD)
    from_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        allow_null=True,
        help_text=_("The status the client saw: if the idea has moved since, the answer is 409 and nothing changes."),
    )


class BulkTransitionSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(**_ID),
        max_length=services.BULK_MAX,
        help_text=_("The ideas to move, %(n)d at most.") % {"n": services.BULK_MAX},
    )
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, default="", **_NOTE_FIELD)
    seen = serializers.DictField(
        child=serializers.ChoiceField(choices=Status.choices),
        required=False,
        help_text=_(
            "Optional: the status of each idea (by id) as the client showed it; if one has moved since, "
            "the answer is 409 and nothing is moved."
        ),
    )

    def validate_seen(self, seen: dict) -> dict[int, str]:
        ids = {key: id_from(key) for key in seen}
        if None in ids.values():
            raise serializers.ValidationError(_("Name the ideas by their numbers."))
        return {ids[key]: value for key, value in seen.items()}


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(help_text=_("The id of the idea to merge into."), **_ID)
    note = serializers.CharField(**_NOTE_FIELD)
    from_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_null=True)


class OfficialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body_html = serializers.CharField()
    author = AuthorSerializer(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, comment) -> str:
        return _absolute(self.context.get("request"), comment.get_absolute_url())


class TimelineEntrySerializer(serializers.Serializer):
    """A status change of the idea ("status"), an idea merged into it ("merged_in": `change.idea` is
    that idea), or its official response ("official")."""

    kind = serializers.ChoiceField(choices=["status", "merged_in", "official"])
    at = serializers.DateTimeField()
    change = StatusChangeSerializer(allow_null=True)
    comment = OfficialSerializer(allow_null=True)


class CardCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class CardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.IntegerField()
    upvotes = serializers.IntegerField()
    category = CardCategorySerializer()
    status = serializers.ChoiceField(choices=Status.choices)
    status_changed_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, idea: Idea) -> str:
        return _absolute(self.context.get("request"), idea.get_absolute_url())


class ColumnSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()
    count = serializers.IntegerField(help_text=_("All the ideas in this status; `ideas` holds the latest moved."))
    ideas = CardSerializer(many=True)


class RoadmapSerializer(serializers.Serializer):
    columns = ColumnSerializer(many=True)


class TriageCardSerializer(CardSerializer):
    moves = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices), help_text=_("The statuses it may move to.")
    )
    mergeable = serializers.BooleanField(help_text=_("Whether it may be merged into another idea."))


class TriagePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = TriageCardSerializer(many=True)


class InternalNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    body_html = serializers.CharField()
    author = AuthorSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class InternalNoteWriteSerializer(serializers.Serializer):
    body = serializers.CharField(**_NOTE_FIELD)


def _category(value: str | None) -> Category | None:
    """The ?category= of the roadmap and triage: a slug or an id (ideas.filters.CategoryField), or 400 naming it."""
    field = CategoryField(queryset=idea_selectors.categories_in_order(), required=False)
    try:
        return field.clean(value)
    except ValidationError:
        message = _("No category “%(value)s”: use the slug or the id of a category.") % {"value": value}
        raise serializers.ValidationError({"category": [message]}) from None


_CONFLICT = {409: error_response(409)}
CATEGORY = OpenApiParameter(
    "category", str, description=str(_("A category's slug or id; it includes its subcategories."))
)


class TransitionView(APIView):
    """The product team moves an idea to another status with a public note (needed for Not planned)."""

    permission_classes = [ProductTeamOnly]

    @extend_schema(request=TransitionSerializer, responses={200: MoveResultSerializer, **_CONFLICT})
    def post(self, request, pk: int):
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idea = idea_or_404(request, pk)
        try:
            change = services.idea_transition(
                actor=request.user,
                idea=idea,
                to=data.validated_data["status"],
                note=data.validated_data["note"],
                from_status=data.validated_data.get("from_status"),
            )
        except Idea.DoesNotExist:
            raise idea_not_found() from None  # deleted while the move waited for it: nothing changed
        return Response(MoveResultSerializer(change).data)


class BulkTransitionView(APIView):
    """The product team moves several ideas at once with one note: each gets its own status change, and
    one move that is not allowed refuses the whole batch, naming the idea."""

    permission_classes = [ProductTeamOnly]

    @extend_schema(request=BulkTransitionSerializer, responses={200: BulkResultSerializer, **_CONFLICT})
    def post(self, request):
        data = BulkTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = services.idea_bulk_transition(
            actor=request.user,
            ids=data.validated_data["ids"],
            to=data.validated_data["status"],
            note=data.validated_data["note"],
            seen=data.validated_data.get("seen"),
        )
        return Response({"changes": [MoveResultSerializer(change).data for change in changes]})


class MergeView(APIView):
    """The product team merges a duplicate into another idea: its votes and followers move there."""

    permission_classes = [ProductTeamOnly]

    @extend_schema(request=MergeSerializer, responses={200: MoveResultSerializer, **_CONFLICT})
    def post(self, request, pk: int):
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idea = idea_or_404(request, pk)
        try:
            change = services.idea_merge(
                actor=request.user,
                idea=idea,
                into=data.validated_data["into"],
                note=data.validated_data["note"],
                from_status=data.validated_data.get("from_status"),
            )
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        return Response(MoveResultSerializer(change).data)


class TimelineView(APIView):
    """An idea's public timeline, oldest first: its status changes with their notes, the ideas merged
    into it and its official response. Internal notes are never in it."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=TimelineEntrySerializer(many=True))
    def get(self, request, pk: int):
        entries = selectors.timeline(idea=idea_or_404(request, pk), viewer=request.user)
        return Response(TimelineEntrySerializer(entries, many=True, context={"request": request}).data)


class RoadmapQuerySerializer(serializers.Serializer):
    category = serializers.CharField(required=False, allow_blank=True, max_length=200)
    closed = serializers.BooleanField(required=False, default=False)


class RoadmapView(APIView):
    """The roadmap: a column per status from Under review to Launched (with ?closed=1, Not planned and
    Merged too), the latest moved first; each column counts all its ideas."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            CATEGORY,
            OpenApiParameter("closed", bool, description=str(_("Also the Not planned and Merged columns."))),
        ],
        responses=RoadmapSerializer,
    )
    def get(self, request):
        query = RoadmapQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        category = _category(query.validated_data.get("category"))
        columns = selectors.roadmap(viewer=request.user, category=category, closed=query.validated_data["closed"])
        return Response(RoadmapSerializer({"columns": columns}, context={"request": request}).data)


class TriageView(APIView):
    """The product team's triage list: New and Under review ideas, the most supported (or trending) first,
    each with the statuses it may move to."""

    permission_classes = [ProductTeamOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter("sort", str, enum=list(selectors.TRIAGE_SORTS), default="support"),
            OpenApiParameter("status", str, enum=[str(s) for s in selectors.TRIAGE]),
            CATEGORY,
            OpenApiParameter("age", str, enum=list(selectors.TRIAGE_AGES)),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 100"),
        ],
        responses={200: TriagePageSerializer, 403: error_response(403)},
    )
    def get(self, request):
        category = _category(request.query_params.get("category"))
        params = selectors.triage_params(request.query_params, category=category)
        page = selectors.triage(viewer=request.user, params=params)
        cursor = page.next_cursor
        later = replace_query_param(request.build_absolute_uri(), "cursor", cursor) if cursor else None
        results = TriageCardSerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": later, "results": results})


class InternalNotesView(APIView):
    """Staff only (product team, moderators, admins): an idea's internal notes, oldest first, and a new one."""

    permission_classes = [StaffOnly]

    @extend_schema(responses={200: InternalNoteSerializer(many=True), 403: error_response(403)})
    def get(self, request, pk: int):
        notes = selectors.internal_notes(idea=idea_or_404(request, pk))
        return Response(InternalNoteSerializer(notes, many=True).data)

    @extend_schema(request=InternalNoteWriteSerializer, responses={201: InternalNoteSerializer})
    def post(self, request, pk: int):
        data = InternalNoteWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idea = idea_or_404(request, pk)
        try:
            note: InternalNote = services.internal_note_add(
                actor=request.user, idea=idea, body=data.validated_data["body"]
            )
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        return Response(InternalNoteSerializer(note).data, status=status.HTTP_201_CREATED)
