"""API of moderation. Views validate the shape of input and call services and selectors; the rules live in
the services and errors go through the one handler of core/errors.py."""

import csv
from collections.abc import AsyncIterator, Iterable, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.permissions import VerdictPermission
from core.schema import error_response
from ideas.selectors import BadListParameter
from moderation import selectors
from moderation.permissions import can_see_moderation

# --- The audit log ---------------------------------------------------------------------------------


class LogReaders(VerdictPermission):
    """Moderators and staff read the log: a visitor gets 401, a member the reason as 403."""

    rule = staticmethod(can_see_moderation)


LOG_FILTERS = [
    OpenApiParameter("actor", OpenApiTypes.INT, description=_("The member number of whoever acted.")),
    OpenApiParameter("action", str, enum=list(selectors.LOG_VERBS)),
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
    action = serializers.ChoiceField(choices=list(selectors.LOG_VERBS))
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


def _log_params(request, **extra) -> selectors.LogParams:
    try:
        return selectors.log_params(request.query_params, **extra)
    except BadListParameter as error:
        raise serializers.ValidationError({error.field: [error.message]}) from None


class AuditLogView(APIView):
    """The audit log: every moderator and product-team action, newest first, filtered by actor, action and
    target; `next` is the following page. The same rows as CSV: /api/v1/moderation/log.csv."""

    permission_classes = [LogReaders]

    @extend_schema(
        parameters=[
            *LOG_FILTERS,
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 200"),
        ],
        responses={200: LogPageSerializer, 403: error_response(403)},
    )
    def get(self, request):
        page = selectors.audit_log(viewer=request.user, params=_log_params(request))
        cursor = page.next_cursor
        later = replace_query_param(request.build_absolute_uri(), "cursor", cursor) if cursor else None
        results = LogEntrySerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": later, "results": results})


CSV_HEADER = ["time", "actor_id", "actor_name", "action", "target", "reason"]
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such a cell is
# written with a leading apostrophe, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as the text it is, never runs."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


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

    permission_classes = [LogReaders]

    @extend_schema(
        parameters=LOG_FILTERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=_("The log as CSV.")),
            400: error_response(400),
            403: error_response(403),
        },
    )
    def get(self, request):
        params = _log_params(request)
        chunks = csv_lines(selectors.audit_log_all(viewer=request.user, params=params))
        content = _each_in_a_thread(chunks) if isinstance(request._request, ASGIRequest) else chunks
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="moderation-log.csv"'
        return response
