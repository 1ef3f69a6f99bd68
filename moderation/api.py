"""API of moderation. Views validate the shape of input and call services and selectors; the rules live in
the services and errors go through the one handler of core/errors.py."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.schema import error_response
from moderation import selectors, services
from moderation.models import AlertScope, Series
from moderation.permissions import can_moderate, can_see_moderation

# Early warning: the alerts, and a moderator acknowledging one.


class _AlertVerdict(permissions.BasePermission):
    """A moderation rule as a DRF permission: a visitor gets 401 (with WWW-Authenticate), anyone else the
    rule's reason as 403, before the input is read."""

    rule = None

    def has_permission(self, request, view) -> bool:
        verdict = self.rule(user=request.user)
        self.message = verdict.reason
        return bool(verdict)


class SeesAlerts(_AlertVerdict):
    rule = staticmethod(can_see_moderation)


class AcknowledgesAlerts(_AlertVerdict):
    rule = staticmethod(can_moderate)


class AlertIdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, idea) -> str:
        return self.context["request"].build_absolute_uri(idea.get_absolute_url())


class AlertMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")


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
    acknowledged_by = AlertMemberSerializer(allow_null=True)


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

    permission_classes = [SeesAlerts]

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
        following = page.next_cursor and replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
        results = AlertSerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": following or None, "results": results})


class AlertAcknowledgeView(APIView):
    """A moderator acknowledges an alert: it leaves the top of the queue. Once: a second time is 409."""

    permission_classes = [AcknowledgesAlerts]

    @extend_schema(request=None, responses={200: AlertSerializer, 409: error_response(409)})
    def post(self, request, pk: int):
        alert = services.alert_acknowledge(actor=request.user, alert=selectors.alert_get(pk=pk, viewer=request.user))
        return Response(AlertSerializer(alert, context={"request": request}).data)
