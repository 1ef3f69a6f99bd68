"""API of one's own notifications and e-mail choices: the views check the shape of the input and call
the services and selectors of notifications, nothing else."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.ids import ID_MAX
from core.paging import keyset_page
from notifications import selectors, services
from notifications.models import CHOOSABLE, Delivery, Kind

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    headline = serializers.CharField()
    excerpt = serializers.CharField()
    count = serializers.IntegerField(help_text=_("How many events it stands for (new comments on a followed idea)."))
    link = serializers.SerializerMethodField()
    idea = serializers.IntegerField(source="idea_id", allow_null=True)
    actor = ActorSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text=_("The latest event it stands for."))
    read = serializers.BooleanField(source="is_read")

    def get_link(self, notification) -> str:
        """Where to read it: the exact comment."""
        return self.context["request"].build_absolute_uri(notification.link)


class NotificationPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = NotificationSerializer(many=True)


class ListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text=_("Only the unread ones."))
    cursor = serializers.CharField(required=False, max_length=200)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE)


class ReadSerializer(serializers.Serializer):
    """Either ids or all."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False, max_length=1000
    )
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if data["all"] == bool(data.get("ids")):
            raise serializers.ValidationError(_("Send either a list of ids or all: true."))
        return data


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationListView(APIView):
    """The signed-in member's notifications, latest activity first, paged by cursor (`next`)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[ListQuerySerializer], responses=NotificationPageSerializer)
    def get(self, request):
        query = ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.notification_list(member=request.user)
        if query.validated_data["unread"]:
            rows = rows.unread()
        page = keyset_page(
            rows, field="updated_at", cursor=query.validated_data.get("cursor"), size=query.validated_data["page_size"]
        )
        following = page.next_cursor and replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
        results = NotificationSerializer(page.rows, many=True, context={"request": request}).data
        return Response({"next": following or None, "results": results})


class NotificationReadView(APIView):
    """Mark some of one's notifications read ({"ids": [...]}), or all of them ({"all": true}); ids
    that are not the member's are refused (400) with nothing marked. Answers the unread count left."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReadSerializer, responses=UnreadSerializer)
    def post(self, request):
        data = ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notifications_read(
            actor=request.user, ids=data.validated_data.get("ids"), everything=data.validated_data["all"]
        )
        return Response({"unread": selectors.unread_count(member=request.user)})


class NotificationSettingsSerializer(serializers.Serializer):
    email = serializers.DictField(
        child=serializers.ChoiceField(choices=Delivery.choices),
        help_text=_("For each kind, how it reaches the member by e-mail: %(kinds)s.") % {"kinds": ", ".join(CHOOSABLE)},
    )
    time_zone = serializers.CharField(
        allow_blank=True, max_length=64, help_text=_("The time zone of the digests; empty for the site's.")
    )


class NotificationSettingsWriteSerializer(serializers.Serializer):
    """Only the shape: which kinds, choices and time zones exist is the service's to say."""

    email = serializers.DictField(child=serializers.CharField(max_length=40), required=False)
    time_zone = serializers.CharField(allow_blank=True, max_length=64, required=False)


def settings_data(settings) -> dict:
    return {"email": {kind: settings.delivery_of(kind) for kind in CHOOSABLE}, "time_zone": settings.time_zone}


class NotificationSettingsView(APIView):
    """How each kind of notification reaches the signed-in member by e-mail (immediately, daily or
    weekly digest, never), and the time zone of their digests. PUT changes the kinds sent (the
    others stay) and the time zone if sent."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=NotificationSettingsSerializer, operation_id="me_notification_settings_retrieve")
    def get(self, request):
        return Response(settings_data(selectors.settings_of(member=request.user)))

    @extend_schema(
        request=NotificationSettingsWriteSerializer,
        responses=NotificationSettingsSerializer,
        operation_id="me_notification_settings_update",
    )
    def put(self, request):
        data = NotificationSettingsWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings = services.settings_update(
            actor=request.user,
            delivery=data.validated_data.get("email"),
            time_zone=data.validated_data.get("time_zone"),
        )
        return Response(settings_data(settings))
