"""Community's API views and serializers: they call community's services and selectors, nothing else."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from community import insights
from core.permissions import VerdictPermission
from core.schema import error_response

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
