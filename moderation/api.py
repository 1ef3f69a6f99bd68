"""API of moderation: flag, the queue and its decisions, a member's actions and appeals, and the audit log. Views
validate the shape of input and call moderation's services and selectors; errors go through the one handler of
core/errors.py."""

import csv
from collections.abc import AsyncIterator, Iterable, Iterator

from asgiref.sync import sync_to_async
from django.core.exceptions import ObjectDoesNotExist
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.ids import ID_MAX, is_id
from core.paging import key_type
from core.permissions import VerdictPermission
from core.schema import error_response
from core.text import csv_cell
from ideas.models import BODY_MAX, TITLE_MAX
from ideas.selectors import list_cursor, page_size
from moderation import selectors, services
from moderation.models import (
    APPEAL_MAX,
    NOTE_MAX,
    REASON_MAX,
    Action,
    ActionKind,
    AlertScope,
    AppealStatus,
    Case,
    CaseStatus,
    FlagReason,
    FlagStatus,
    Series,
    TargetKind,
)
from moderation.permissions import can_moderate, can_see_moderation

ACTIONS_PAGE_SIZE = 20
ACTIONS_PAGE_MAX = 100
# Texts are checked by the services (blank, invisible, too long: each with its message); the fields here allow
# twice the limits, so that the service's message is the one a client reads.
_TEXT = {"trim_whitespace": False, "allow_blank": True}


class ModerationStaffOnly(VerdictPermission):
    """Moderators and staff read the queue and the log: a visitor gets 401, a member the reason as 403."""

    rule = staticmethod(can_see_moderation)


class ModeratorOnly(VerdictPermission):
    rule = staticmethod(can_moderate)


def case_not_found() -> NotFound:
    return NotFound(_("No case with that id."))


def action_not_found() -> NotFound:
    return NotFound(_("No moderation action of yours with that id."))


def _page_params(request, *, model, field: str, default: int, maximum: int) -> tuple[str | None, int]:
    """?cursor= and ?page_size= of a list, or 400 naming the one that is wrong."""
    size = page_size(request.query_params, default=default, maximum=maximum)
    return list_cursor(request.query_params, key=key_type(model, field)), size


def _next(request, cursor: str | None) -> str | None:
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor) if cursor else None


def _page_parameters(maximum: int) -> list[OpenApiParameter]:
    return [
        OpenApiParameter("cursor", str, description=str(_("From the `next` link of the page before."))),
        OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": maximum}),
    ]


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")


class FlagWriteSerializer(serializers.Serializer):
    """Only the shape of the input: the rules (own content, once, the note's length) live in the service."""

    target = serializers.CharField(max_length=60, help_text=_('What is flagged: "idea:12", "comment:7" or "member:3".'))
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    note = serializers.CharField(
        required=False, default="", max_length=NOTE_MAX * 2, help_text=_("Needed for “other”."), **_TEXT
    )
    original = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        max_length=500,
        help_text=_("For a duplicate: the original idea's id, “idea:<id>” or its address."),
    )


class FlagSerializer(serializers.Serializer):
    """A member's flag as its flagger reads it (never its weight, nor who else flagged)."""

    id = serializers.IntegerField()
    target = serializers.CharField()
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=FlagStatus.choices)
    created_at = serializers.DateTimeField()


class CaseFlagSerializer(FlagSerializer):
    """A flag as moderators read it: with who flagged, its weight, and the original of a duplicate."""

    flagger = PersonSerializer()
    weight = serializers.IntegerField()
    original = serializers.IntegerField(source="original_id", allow_null=True)


class IdeaRevisionSerializer(serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField(help_text=_("When this version was written."))


class CommentRevisionSerializer(serializers.Serializer):
    body = serializers.CharField()
    created_at = serializers.DateTimeField(help_text=_("When this version was written."))


class _HiddenContentSerializer(serializers.Serializer):
    hidden = serializers.CharField(allow_null=True, help_text=_("“pending” (by flags), “moderator”, or null."))
    hidden_reason = serializers.CharField()
    deleted = serializers.BooleanField(source="is_deleted")
    moderated = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["hidden"] = data["hidden"] or None
        return data

    def get_moderated(self, content) -> bool:
        """Edited by a moderator."""
        return content.moderated_at is not None


class CaseIdeaSerializer(_HiddenContentSerializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    body_html = serializers.CharField()
    comments_locked = serializers.SerializerMethodField()
    revisions = IdeaRevisionSerializer(
        many=True, source="revisions.all", help_text=_("Earlier versions, oldest first.")
    )

    def get_comments_locked(self, idea) -> bool:
        return idea.comments_locked_at is not None


class CaseCommentSerializer(_HiddenContentSerializer):
    id = serializers.IntegerField()
    idea = serializers.IntegerField(source="idea_id")
    idea_title = serializers.CharField(source="idea.title")
    body = serializers.CharField()
    body_html = serializers.CharField()
    revisions = CommentRevisionSerializer(
        many=True, source="revisions.all", help_text=_("Earlier versions, oldest first.")
    )


class CaseMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")
    bio = serializers.CharField()
    avatar_url = serializers.CharField()
    profile_hidden = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    def get_profile_hidden(self, member) -> str | None:
        return member.profile_hidden or None


class AuthorRecordSerializer(serializers.Serializer):
    """Whose content it is, and their record beside the case."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")
    joined = serializers.DateTimeField(source="date_joined", help_text=_("The account's age is from this."))
    warnings = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    suspensions = serializers.IntegerField(source="suspension_count")
    suspended_until = serializers.DateTimeField(allow_null=True)
    banned = serializers.BooleanField(source="is_banned")

    def get_warnings(self, author) -> int:
        """Warnings they were given."""
        return self.context["case"].author_warnings

    def get_actions(self, author) -> int:
        """Earlier actions against them (hide, delete, edit, lock, duplicate, warn, suspend, ban)."""
        return self.context["case"].author_actions


class AppealedActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ActionKind.choices)
    reason = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)
    actor = PersonSerializer(allow_null=True, help_text=_("Who acted: another moderator decides the appeal."))
    created_at = serializers.DateTimeField()


class CaseAppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=AppealStatus.choices)
    created_at = serializers.DateTimeField()
    action = AppealedActionSerializer()


class CaseSerializer(serializers.Serializer):
    """One item of the queue: the content (one of idea, comment, member), its author's record, the open flags
    and, for an appeal, the appeal and the action appealed."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TargetKind.choices)
    target = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    weight = serializers.IntegerField(help_text=_("The open flags' weight."))
    flag_count = serializers.IntegerField()
    hid_content = serializers.BooleanField(help_text=_("The flags hid the content pending review."))
    opened_at = serializers.DateTimeField()
    flagged_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = PersonSerializer(allow_null=True)
    idea = CaseIdeaSerializer(allow_null=True)
    comment = CaseCommentSerializer(allow_null=True)
    member = CaseMemberSerializer(allow_null=True)
    author = serializers.SerializerMethodField()
    flags = CaseFlagSerializer(many=True, source="open_flags")
    appeal = CaseAppealSerializer(allow_null=True)
    actions = serializers.SerializerMethodField()

    @extend_schema_field(AuthorRecordSerializer(allow_null=True))
    def get_author(self, case: Case) -> dict | None:
        if case.author is None:
            return None
        return AuthorRecordSerializer(case.author, context={**self.context, "case": case}).data

    def get_actions(self, case: Case) -> list[str]:
        """The actions this case may end in."""
        return list(services.APPEAL_ACTIONS if case.is_appeal else services.ACTIONS[case.kind])


class CasePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = CaseSerializer(many=True)


class DecideSerializer(serializers.Serializer):
    """Only the shape of the input: which actions fit the case, and the reason's length, the service says."""

    action = serializers.ChoiceField(choices=ActionKind.choices)
    reason = serializers.CharField(max_length=REASON_MAX * 2, **_TEXT)
    days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("A suspension's length; escalates when absent.")
    )
    original = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=500, help_text=_("For a duplicate: the original.")
    )
    title = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=TITLE_MAX * 4, help_text=_("For an edit."), **_TEXT
    )
    body = serializers.CharField(
        required=False, allow_null=True, default=None, max_length=BODY_MAX * 2, help_text=_("For an edit."), **_TEXT
    )


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.IntegerField(source="action_id")
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=AppealStatus.choices)
    created_at = serializers.DateTimeField()


class AppealWriteSerializer(serializers.Serializer):
    action = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("The action appealed."))
    text = serializers.CharField(max_length=APPEAL_MAX * 2, **_TEXT)


class ActionSerializer(serializers.Serializer):
    """What a moderator did, and why, as the member it was about (or a moderator) reads it."""

    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ActionKind.choices)
    label = serializers.CharField(source="get_action_display")
    kind = serializers.ChoiceField(choices=TargetKind.choices)
    target = serializers.CharField()
    idea = serializers.IntegerField(source="idea_id", allow_null=True)
    comment = serializers.IntegerField(source="comment_id", allow_null=True)
    reason = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    undone_at = serializers.DateTimeField(allow_null=True)
    appeal = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(AppealSerializer(allow_null=True))
    def get_appeal(self, action: Action) -> dict | None:
        appeal = getattr(action, "appeal", None)
        return AppealSerializer(appeal).data if appeal is not None else None

    def get_url(self, action: Action) -> str:
        """The page where the member reads it and appeals."""
        return self.context["request"].build_absolute_uri(services.action_link(action))


class ActionPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = ActionSerializer(many=True)


def _got(read, pk: int, not_found: NotFound):
    """What `read(pk)` finds, or `not_found` (404) for an id no row can have or a row the reader may not see."""
    if not is_id(pk):
        raise not_found
    try:
        return read(pk)
    except ObjectDoesNotExist:
        raise not_found from None


def _case(request, pk: int) -> Case:
    return _got(lambda pk: selectors.case_get(pk=pk, viewer=request.user), pk, case_not_found())


_CONFLICT = {409: error_response(409)}


class FlagView(APIView):
    """A signed-in member flags an idea, a comment or a member for the moderators, with a reason."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=FlagWriteSerializer, responses={201: FlagSerializer, **_CONFLICT})
    def post(self, request):
        data = FlagWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_create(actor=request.user, **data.validated_data)
        return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


class QueueView(APIView):
    """Moderators and staff: the open cases, heaviest first, then oldest; keyset-paged."""

    permission_classes = [ModerationStaffOnly]

    @extend_schema(
        parameters=_page_parameters(selectors.QUEUE_PAGE_MAX),
        responses={200: CasePageSerializer, 403: error_response(403)},
        operation_id="moderation_queue_list",
    )
    def get(self, request):
        cursor, size = _page_params(
            request, model=Case, field="weight", default=selectors.QUEUE_PAGE_SIZE, maximum=selectors.QUEUE_PAGE_MAX
        )
        page = selectors.queue(viewer=request.user, cursor=cursor, size=size)
        results = CaseSerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": _next(request, page.next_cursor), "results": results})


class CaseView(APIView):
    """Moderators and staff: one case, open or decided."""

    permission_classes = [ModerationStaffOnly]

    @extend_schema(responses={200: CaseSerializer, 403: error_response(403)})
    def get(self, request, pk: int):
        return Response(CaseSerializer(_case(request, pk), context={"request": request}).data)


class DecideView(APIView):
    """A moderator decides a case with one action and a reason its author reads; a case is decided once (409)."""

    permission_classes = [ModeratorOnly]

    @extend_schema(request=DecideSerializer, responses={200: ActionSerializer, **_CONFLICT})
    def post(self, request, pk: int):
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = _case(request, pk)
        done = services.case_decide(actor=request.user, case=case, **data.validated_data)
        return Response(ActionSerializer(done, context={"request": request}).data)


class AppealView(APIView):
    """The member an action was about appeals it, once, with a text; another moderator decides."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=AppealWriteSerializer, responses={201: AppealSerializer, 404: error_response(404), **_CONFLICT}
    )
    def post(self, request):
        data = AppealWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = selectors.action_get(pk=data.validated_data["action"], viewer=request.user)
        except Action.DoesNotExist:
            raise action_not_found() from None
        appeal = services.appeal_create(actor=request.user, action=action, text=data.validated_data["text"])
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class ActionsView(APIView):
    """The signed-in member: what moderators did to their content, newest first, each with its appeal."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=_page_parameters(ACTIONS_PAGE_MAX),
        responses=ActionPageSerializer,
        operation_id="moderation_actions_list",
    )
    def get(self, request):
        cursor, size = _page_params(
            request, model=Action, field="created_at", default=ACTIONS_PAGE_SIZE, maximum=ACTIONS_PAGE_MAX
        )
        page = selectors.actions_page(member=request.user, cursor=cursor, size=size)
        results = ActionSerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": _next(request, page.next_cursor), "results": results})


class ActionView(APIView):
    """One action on the member's content (a moderator reads any)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ActionSerializer)
    def get(self, request, pk: int):
        action = _got(lambda pk: selectors.action_get(pk=pk, viewer=request.user), pk, action_not_found())
        return Response(ActionSerializer(action, context={"request": request}).data)


# --- The audit log ---------------------------------------------------------------------------------


LOG_FILTERS = [
    OpenApiParameter("actor", OpenApiTypes.INT, description=_("The member number of whoever acted.")),
    OpenApiParameter("action", str, enum=selectors.LOG_ACTIONS),
    OpenApiParameter(
        "target", str, pattern=r"^(idea|comment|member):[0-9]+$", description=_("idea:12, comment:7 or member:3.")
    ),
]


class LogActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="actor_id", help_text=_("Their member number, kept after they leave."))
    name = serializers.CharField(source="actor_name", help_text=_("The public name; never the e-mail address."))


class LogEntrySerializer(serializers.Serializer):
    """One action of a moderator or of the product team: who, what, to what, why and when."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = LogActorSerializer(source="*")
    action = serializers.ChoiceField(choices=selectors.LOG_ACTIONS)
    label = serializers.CharField(help_text=_("The action in words."))
    target = serializers.CharField(help_text=_("idea:12, comment:7 or member:3; empty if none."))
    target_name = serializers.CharField(help_text=_("Its title or name, or what it was once it is gone."))
    target_url = serializers.SerializerMethodField(help_text=_("Its page; null once it is gone."))
    reason = serializers.CharField()

    def get_target_url(self, row) -> str | None:
        request = self.context.get("request")
        return request.build_absolute_uri(row.target_url) if request and row.target_url else row.target_url


class LogPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = LogEntrySerializer(many=True)


class AuditLogView(APIView):
    """The audit log: every moderator and product-team action, newest first, filtered by actor, action and
    target; `next` is the following page. The same rows as CSV: /api/v1/moderation/log.csv."""

    permission_classes = [ModerationStaffOnly]

    @extend_schema(
        parameters=[
            *LOG_FILTERS,
            *_page_parameters(selectors.LOG_PAGE_MAX),
        ],
        responses={200: LogPageSerializer, 403: error_response(403)},
    )
    def get(self, request):
        page = selectors.audit_log(viewer=request.user, params=selectors.log_params(request.query_params))
        results = LogEntrySerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": _next(request, page.next_cursor), "results": results})


CSV_HEADER = ["time", "actor_id", "actor_name", "action", "target", "reason"]


class _Line:
    """csv.writer's file: each row written comes back as its line, to stream."""

    def write(self, line: str) -> str:
        return line


def csv_lines(batches: Iterable[list[selectors.LogRow]]) -> Iterator[str]:
    """The header, then one chunk of lines per batch of rows."""
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_HEADER)
    for rows in batches:
        yield "".join(
            writer.writerow(
                [
                    csv_cell(value)
                    for value in (row.at.isoformat(), row.actor_id, row.actor_name, row.action, row.target, row.reason)
                ]
            )
            for row in rows
        )


async def _each_in_a_thread(chunks: Iterator[str]) -> AsyncIterator[str]:
    """The chunks for daphne, each batch read by the ORM in Django's sync thread: served as it is read,
    where a sync iterator would be read whole into memory first."""
    step = sync_to_async(next, thread_sensitive=True)
    while (chunk := await step(chunks, None)) is not None:
        yield chunk


class AuditLogCsvView(APIView):
    """Every row of the audit log the filters match (not one page), as CSV: time, actor_id, actor_name,
    action, target, reason. Streamed, read in batches; a cell that a spreadsheet would run as a formula
    starts with an apostrophe."""

    permission_classes = [ModerationStaffOnly]

    @extend_schema(
        parameters=LOG_FILTERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=_("The log as CSV.")),
            400: error_response(400),
            403: error_response(403),
        },
    )
    def get(self, request):
        params = selectors.log_params(request.query_params)
        chunks = csv_lines(selectors.audit_log_all(viewer=request.user, params=params))
        content = _each_in_a_thread(chunks) if isinstance(request._request, ASGIRequest) else chunks
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="moderation-log.csv"'
        return response


# Early warning: the alerts, and a moderator acknowledging one.


class AlertIdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, idea) -> str:
        return self.context["request"].build_absolute_uri(idea.get_absolute_url())


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.ChoiceField(choices=AlertScope.choices, help_text=_("One idea, or the whole site."))
    series = serializers.ChoiceField(choices=Series.choices, help_text=_("What rose."))
    hour = serializers.DateTimeField(help_text=_("The start of the hour it rose in."))
    count = serializers.IntegerField(help_text=_("How many in that hour."))
    mean = serializers.FloatField(help_text=_("How many an hour usually (the baseline's mean)."))
    factor = serializers.FloatField(help_text=_("The count over the usual (at least 1)."))
    what = serializers.CharField(source="what_rose", help_text=_("What rose and by how much, in words."))
    idea = AlertIdeaSerializer(allow_null=True)
    raised_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = PersonSerializer(allow_null=True)


class AlertPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = AlertSerializer(many=True)


class AlertQuerySerializer(serializers.Serializer):
    acknowledged = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("1: only acknowledged ones; 0: only open ones.")
    )
    cursor = serializers.CharField(required=False, max_length=200)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=selectors.ALERT_PAGE_MAX, default=selectors.ALERT_PAGE_SIZE
    )


class AlertListView(APIView):
    """Moderators and staff: the early warning's alerts, newest hour first, paged by cursor (`next`)."""

    permission_classes = [ModerationStaffOnly]

    @extend_schema(parameters=[AlertQuerySerializer], responses={200: AlertPageSerializer, 403: error_response(403)})
    def get(self, request):
        query = AlertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = selectors.alerts(
            viewer=request.user,
            acknowledged=query.validated_data["acknowledged"],
            cursor=query.validated_data.get("cursor"),
            size=query.validated_data["page_size"],
        )
        results = AlertSerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": _next(request, page.next_cursor), "results": results})


class AlertAcknowledgeView(APIView):
    """A moderator acknowledges an alert: it leaves the top of the queue. Once: a second time is 409."""

    permission_classes = [ModeratorOnly]

    @extend_schema(request=None, responses={200: AlertSerializer, 409: error_response(409)})
    def post(self, request, pk: int):
        alert = _got(lambda pk: selectors.alert_get(pk=pk, viewer=request.user), pk, NotFound(_("No such alert.")))
        alert = services.alert_acknowledge(actor=request.user, alert=alert)
        return Response(AlertSerializer(alert, context={"request": request}).data)
