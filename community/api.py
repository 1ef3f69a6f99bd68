"""API of community: share links, the leaderboards, a member's public profile with points and badges, one's
own ledger, the staff dashboard's figures. Views validate the shape of input and call services and selectors;
errors go through the one handler of core/errors.py."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.api import MemberSuggestionSerializer
from accounts.models import Role
from accounts.selectors import member_get
from community import insights, selectors, shares
from community.models import Channel
from community.permissions import can_see_insights, can_see_sources
from core.permissions import VerdictPermission
from core.schema import error_response
from ideas.api import idea_not_found, idea_or_404
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


class IdeaSharesView(APIView):
    """GET: where the idea's visitors came from, per channel (its author and staff). POST: a member shares
    the idea on a channel; the answer is their coded link (pressing twice counts once)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ShareSourcesSerializer, operation_id="ideas_shares_list")
    def get(self, request, pk: int):
        idea = idea_or_404(request, pk)
        can_see_sources(user=request.user, idea=idea).check()
        channels = shares.share_sources(idea)
        data = {"shares": shares.times_shared(channels), "channels": channels}
        return Response(ShareSourcesSerializer(data).data)

    @extend_schema(request=ShareWriteSerializer, responses={201: ShareSerializer}, operation_id="ideas_shares_create")
    def post(self, request, pk: int):
        data = ShareWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        channel = data.validated_data["channel"]
        idea = idea_or_404(request, pk)
        try:
            shares.share_record(actor=request.user, idea=idea, channel=channel)
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        path = shares.share_path(idea, shares.share_code(request.user.pk, channel))
        answer = {"channel": channel, "url": request.build_absolute_uri(path)}
        return Response(ShareSerializer(answer).data, status=status.HTTP_201_CREATED)


# Leaderboards, members and their points


class StandingSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text=_("Members with equal points share a rank (1, 1, 3)."))
    member = MemberSuggestionSerializer()
    points = serializers.IntegerField()


class LeaderboardSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(selectors.PERIODS))
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)
    since = serializers.DateTimeField(allow_null=True, help_text=_("Where the window starts; null for all time."))
    results = StandingSerializer(many=True, source="rows")
    me = StandingSerializer(allow_null=True, help_text=_("The signed-in member's own standing, even outside the top."))


class LeaderboardView(APIView):
    """The members with the most points this week (since Monday 00:00, site time), this month or of all time,
    in a category (with its subcategories) or all; staff, suspended and banned members are left out."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, enum=list(selectors.PERIODS), default=selectors.DEFAULT_PERIOD),
            OpenApiParameter("category", str, description=str(_("A category's slug or id; with its subcategories."))),
        ],
        responses={200: LeaderboardSerializer, 400: error_response(400)},
    )
    def get(self, request):
        period = selectors.leaderboard_period(request.query_params.get("period"))
        category = selectors.leaderboard_category(request.query_params.get("category"))
        result = selectors.leaderboard(period=period, category=category, viewer=request.user)
        return Response(LeaderboardSerializer(result).data)


class BadgeEarnedSerializer(serializers.Serializer):
    badge = serializers.CharField(source="badge.slug")
    name = serializers.CharField(source="badge.name")
    description = serializers.CharField(source="badge.description")
    earned_at = serializers.DateTimeField()
    period = serializers.CharField(help_text=_('The month of a monthly badge ("2026-03"), else "".'))


class MemberProfileSerializer(MemberSuggestionSerializer):
    """A member as anyone may see them: never their e-mail address; the about text is empty while moderation
    hides the profile, except to the member and staff."""

    bio = serializers.SerializerMethodField()
    bio_html = serializers.SerializerMethodField()
    profile_hidden = serializers.BooleanField(source="profile_is_hidden")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    # The day only: to the second, it would tell a sharer which new member their link brought.
    date_joined = serializers.SerializerMethodField()
    points = serializers.IntegerField(help_text=_("The sum of the member's ledger lines."))
    badges = BadgeEarnedSerializer(many=True)

    @extend_schema_field(OpenApiTypes.DATE)
    def get_date_joined(self, member) -> date:
        return timezone.localdate(member.date_joined)

    def get_bio(self, member) -> str:
        return "" if member.profile_concealed_from(self.context["request"].user) else member.bio

    def get_bio_html(self, member) -> str:
        return "" if member.profile_concealed_from(self.context["request"].user) else member.bio_html


class MemberView(APIView):
    """A member's public profile, their points and the badges they earned; 404 for an unknown or deleted member."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: MemberProfileSerializer, 404: error_response(404)})
    def get(self, request, pk: int):
        member = member_get(pk=pk)
        member.points = selectors.points_total(member)
        member.badges = selectors.badges_shown(member)
        return Response(MemberProfileSerializer(member, context={"request": request}).data)


class LedgerIdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(source="get_absolute_url")


class LedgerLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    points = serializers.IntegerField(help_text=_("Negative for a reversal (an upvote withdrawn, content removed)."))
    # Plain text, not an enum: the schema's "reason" enums (flags, appeals) are others'.
    reason = serializers.CharField(help_text=_('Why, as "upvote_received"; reason_label says it in words.'))
    reason_label = serializers.CharField(source="get_reason_display")
    target = serializers.CharField(help_text=_('What earned it: "idea:5", "comment:7" or "member:3".'))
    idea = LedgerIdeaSerializer(source="idea_shown", allow_null=True, help_text=_("While the member may see it."))
    created_at = serializers.DateTimeField()


class LedgerPageSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("The member's points: the sum of all their lines."))
    next = serializers.URLField(allow_null=True)
    results = LedgerLineSerializer(many=True)


class MyPointsView(APIView):
    """The signed-in member's points and their ledger, newest first, line by line (`next` pages on)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description=str(_("From the `next` link of the page before."))),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": selectors.LEDGER_PAGE_MAX}),
        ],
        responses={200: LedgerPageSerializer},
    )
    def get(self, request):
        cursor, size = selectors.ledger_params(request.query_params)
        page = selectors.ledger_page(member=request.user, cursor=cursor, size=size)
        cursor = page.next_cursor
        later = replace_query_param(request.build_absolute_uri(), "cursor", cursor) if cursor else None
        lines = LedgerLineSerializer(page.rows, many=True, context={"request": request}).data
        return Response({"total": selectors.points_total(request.user), "next": later, "results": lines})


# The staff dashboard's figures (community/insights.py)


class ProductTeamOnly(VerdictPermission):
    rule = staticmethod(can_see_insights)


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
