"""API of community. Views validate the shape of input and call services and selectors; errors go through
the one handler of core/errors.py."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community import insights, shares
from community.models import Channel
from core.permissions import VerdictPermission
from core.schema import error_response
from ideas import selectors as idea_selectors
from ideas.api import idea_not_found
from ideas.models import Idea

# Share links


class ShareChannelField(serializers.ChoiceField):
    """A channel, or 400 naming the choices."""

    def __init__(self, **kwargs):
        super().__init__(choices=Channel.choices, error_messages={"invalid_choice": shares.bad_channel()}, **kwargs)


class ShareWriteSerializer(serializers.Serializer):
    channel = ShareChannelField()


class ShareSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    url = serializers.URLField(help_text=_("The idea's link with the member's share code for the channel."))


class ShareSourceSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    shares = serializers.IntegerField(help_text=_("Members who shared the idea on the channel."))
    visits = serializers.IntegerField(help_text=_("Visits through their links, once per visitor and day."))
    signups = serializers.IntegerField(help_text=_("New members who signed up after such a visit."))
    votes = serializers.IntegerField(help_text=_("Upvotes that followed such a visit."))


class ShareSourcesSerializer(serializers.Serializer):
    shares = serializers.IntegerField(help_text=_("How often the idea was shared (a member, a channel)."))
    channels = ShareSourceSerializer(many=True)


def _idea(request, pk: int) -> Idea:
    try:
        return idea_selectors.idea_get(pk=pk, viewer=request.user)
    except Idea.DoesNotExist:
        raise idea_not_found() from None


class IdeaSharesView(APIView):
    """GET: where the idea's visitors came from, per channel (its author and staff). POST: a member shares
    the idea on a channel; the answer is their coded link (pressing twice counts once)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ShareSourcesSerializer, operation_id="ideas_shares_list")
    def get(self, request, pk: int):
        idea = _idea(request, pk)
        shares.can_see_sources(user=request.user, idea=idea).check()
        channels = shares.share_sources(idea)
        data = {"shares": sum(row["shares"] for row in channels), "channels": channels}
        return Response(ShareSourcesSerializer(data).data)

    @extend_schema(request=ShareWriteSerializer, responses={201: ShareSerializer}, operation_id="ideas_shares_create")
    def post(self, request, pk: int):
        data = ShareWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        channel = data.validated_data["channel"]
        idea = _idea(request, pk)
        try:
            shares.share_record(actor=request.user, idea=idea, channel=channel)
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        path = shares.share_path(idea, shares.share_code(request.user.pk, channel))
        answer = {"channel": channel, "url": request.build_absolute_uri(path)}
        return Response(ShareSerializer(answer).data, status=status.HTTP_201_CREATED)


# ---- the staff dashboard's figures (community/insights.py) ----------------------------------------------


class ProductTeamOnly(VerdictPermission):
    rule = staticmethod(insights.can_see_insights)


@extend_schema_field({"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}})
class _RowField(serializers.ListField):
    child = serializers.JSONField()


class InsightTableSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The table's name, as in /insights/<name>.csv.")
    caption = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=_RowField(), help_text="One list per row, in the order of `columns`.")


class InsightsSerializer(serializers.Serializer):
    start = serializers.DateField(source="filters.start", help_text="The first day counted (`from`).")
    end = serializers.DateField(source="filters.end", help_text="The last day counted (`to`).")
    category = serializers.SlugField(source="filters.category.slug", allow_null=True, default=None)
    computed_at = serializers.DateTimeField(
        source="run.finished_at", allow_null=True, default=None, help_text="When the figures were last computed."
    )
    tables = InsightTableSerializer(many=True)


_FILTERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: 89 days before `to`)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, not in the future (default: today)."),
    OpenApiParameter("category", OpenApiTypes.STR, description="A category's slug; it includes its subcategories."),
]


class InsightsView(APIView):
    """Product team and admins: every figure of the staff dashboard for a range of at most three years and
    a category: the funnel, statuses, median days per status, launches and supporters per quarter, weekly
    activity, top categories and contributors, and word of mouth per channel and per idea."""

    permission_classes = [ProductTeamOnly]

    @extend_schema(
        parameters=_FILTERS,
        responses={200: InsightsSerializer, 400: error_response(400), 403: error_response(403)},
        operation_id="insights_retrieve",
    )
    def get(self, request):
        filters = insights.read_filters(request.query_params)
        answer = {"filters": filters, "run": insights.last_run(), "tables": insights.dashboard(filters).values()}
        return Response(InsightsSerializer(answer).data)
