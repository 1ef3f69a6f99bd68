"""API of community. Views validate the shape of input and call services and selectors; errors go through
the one handler of core/errors.py."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community import shares
from community.models import Channel
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
