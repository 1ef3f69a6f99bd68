"""The vote endpoint, PUT and DELETE /api/v1/ideas/{id}/vote/: it calls the vote services, nothing else."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.schema import error_response
from ideas.api import idea_not_found
from ideas.models import Idea
from voting.services import vote_cast, vote_withdraw


class VoteSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=[1, -1])


class VoteResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="idea.id")
    upvotes = serializers.IntegerField(source="idea.upvotes")
    downvotes = serializers.IntegerField(source="idea.downvotes")
    score = serializers.IntegerField(source="idea.score")
    my_vote = serializers.IntegerField(allow_null=True)


class VoteView(APIView):
    """Vote an idea up (1) or down (-1), or change the vote; DELETE withdraws it."""

    permission_classes = [permissions.IsAuthenticated]

    def _run(self, service, **values) -> Response:
        try:
            result = service(actor=self.request.user, idea_id=self.kwargs["pk"], **values)
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        return Response(VoteResultSerializer(result).data)

    @extend_schema(
        request=VoteSerializer,
        responses={200: VoteResultSerializer, 409: error_response(409)},
        operation_id="ideas_vote_update",
    )
    def put(self, request, pk: int):
        data = VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(vote_cast, value=data.validated_data["value"])

    @extend_schema(
        request=None,
        responses={200: VoteResultSerializer, 409: error_response(409)},
        operation_id="ideas_vote_destroy",
    )
    def delete(self, request, pk: int):
        """Withdraw the vote: 200 with the idea's new counts (withdrawing no vote changes nothing)."""
        return self._run(vote_withdraw)
