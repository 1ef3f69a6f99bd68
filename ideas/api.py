"""API for ideas and categories; views validate the shape of input and call services and selectors."""

from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.models import Role
from core.hiding import Hidden, sees_hidden
from core.schema import error_response
from ideas import selectors, services
from ideas.filters import IdeaFilter
from ideas.models import BODY_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX, Category, Idea


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description", "parent"]


class AuthorSerializer(serializers.Serializer):
    """Who wrote it: the public name (never from the e-mail address) and the roles they hold, so a
    reader can tell staff from a member who only calls themselves that."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))


class IdeaSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    author = AuthorSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()
    my_vote = serializers.SerializerMethodField()
    merged_into = serializers.IntegerField(
        source="merged_into_id", read_only=True, allow_null=True, help_text=_("The idea it was merged into, if merged.")
    )
    hidden = serializers.SerializerMethodField()
    hidden_reason = serializers.SerializerMethodField()
    comments_locked = serializers.SerializerMethodField()
    moderated = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = [
            "id", "title", "body", "body_html", "category", "tags", "status", "status_label", "author",
            "upvotes", "downvotes", "score", "comment_count", "follower_count", "created_at", "updated_at",
            "edited_at", "status_changed_at", "merged_into", "my_vote", "url",
            "hidden", "hidden_reason", "comments_locked", "moderated",
        ]  # fmt: skip
        read_only_fields = fields

    def _sees_hidden(self, idea: Idea) -> bool:
        request = self.context.get("request")
        return idea.is_hidden and sees_hidden(request.user if request else None, idea.author_id)

    @extend_schema_field(serializers.ChoiceField(choices=[h for h in Hidden.values if h], allow_null=True))
    def get_hidden(self, idea: Idea) -> str | None:
        """Hidden by moderation ("pending" review of flags, or by a "moderator"): told only to its author and
        staff, the only others who see a hidden idea; null when shown."""
        return idea.hidden if self._sees_hidden(idea) else None

    def get_hidden_reason(self, idea: Idea) -> str | None:
        """Why it is hidden, as its author reads it; null when shown."""
        return idea.hidden_reason if self._sees_hidden(idea) else None

    def get_comments_locked(self, idea: Idea) -> bool:
        """A moderator locked the thread: no new comments."""
        return idea.comments_locked_at is not None

    def get_moderated(self, idea: Idea) -> bool:
        """A moderator edited it (its earlier versions are kept)."""
        return idea.moderated_at is not None

    def get_my_vote(self, idea: Idea) -> int | None:
        """1 or -1 if the signed-in member voted, else null."""
        return getattr(idea, "my_vote", None)

    def get_url(self, idea: Idea) -> str:
        request = self.context.get("request")
        path = idea.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class IdeaWriteSerializer(serializers.Serializer):
    """Only the shape of the input: the rules (lengths, open categories) live in the service."""

    title = serializers.CharField(max_length=TITLE_MAX * 4, trim_whitespace=False)
    body = serializers.CharField(max_length=BODY_MAX * 2, trim_whitespace=False)
    # A whole number: 1.5 is refused rather than read as category 1.
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), pk_field=serializers.IntegerField())
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX * 4), max_length=TAGS_MAX * 10, required=False
    )


class IdeaDeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX, required=False, allow_blank=True)


class SimilarIdeaSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Idea
        fields = ["id", "title", "status", "status_label", "score", "url"]


def idea_not_found() -> NotFound:
    return NotFound(_("No idea with that id."))


def idea_or_404(request, pk: int) -> Idea:
    """The idea as the requester may see it, or the API's 404 (missing, deleted, hidden from them)."""
    try:
        return selectors.idea_get(pk=pk, viewer=request.user)
    except Idea.DoesNotExist:
        raise idea_not_found() from None


class IdeaKeysetPagination(BasePagination):
    """?sort= (hot, top, new, trending, discussed), ?cursor= and ?page_size=: page 1,000 costs what page 1 does."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = selectors.idea_page(queryset, selectors.list_params(request.query_params))
        return self.page.rows

    def get_paginated_response(self, data):
        cursor = self.page.next_cursor
        following = replace_query_param(self.request.build_absolute_uri(), "cursor", cursor) if cursor else None
        return Response({"next": following, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": {"type": "string", "nullable": True, "format": "uri"}, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "sort",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": list(selectors.SORTS), "default": selectors.DEFAULT_SORT},
            },
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": selectors.MAX_PAGE_SIZE},
            },
        ]


# An idea's revision, as an entity tag: read it from a response, send it back to change that revision only.
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description=str(_("The idea's revision: send it as If-Match to change or delete only that revision.")),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=str(
        _(
            "Optional: the ETag of the revision this change is based on (or *). If the idea has changed "
            "since, the answer is 412 and nothing is written; without it, the change applies to the "
            "current revision (only the fields sent change)."
        )
    ),
)


def _if_match(request) -> list[str] | None:
    """The entity tags of If-Match, or None when it is absent (a change without a precondition)."""
    header = request.headers.get("If-Match")
    return None if header is None else parse_etags(header)


class IdeaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Ideas: list (filter by category, status and words), submit, read, edit (author), delete (author or staff)."""

    serializer_class = IdeaSerializer
    filterset_class = IdeaFilter
    pagination_class = IdeaKeysetPagination
    lookup_value_converter = "int"  # any other id is a 404 of the router, never an error of the view

    def get_queryset(self):
        return selectors.idea_list(viewer=self.request.user)

    def get_object(self) -> Idea:
        return idea_or_404(self.request, self.kwargs["pk"])

    def _respond(self, idea: Idea, code: int) -> Response:
        """The idea as this write left it (even if deleted since), with its ETag."""
        idea = selectors.idea_as_written(pk=idea.pk, viewer=self.request.user)
        data = IdeaSerializer(idea, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": idea.etag})

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request, *args, **kwargs):
        idea = self.get_object()
        data = IdeaSerializer(idea, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": idea.etag})

    @extend_schema(request=IdeaWriteSerializer, responses={201: IdeaSerializer}, parameters=[ETAG])
    def create(self, request, *args, **kwargs):
        data = IdeaWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idea = services.idea_submit(actor=request.user, **data.validated_data)
        return self._respond(idea, status.HTTP_201_CREATED)

    @extend_schema(
        request=IdeaWriteSerializer,
        responses={200: IdeaSerializer, 412: error_response(412)},
        parameters=[IF_MATCH, ETAG],
    )
    def update(self, request, *args, partial=False, **kwargs):
        """Replace the title, body and category (and the tags, if sent)."""
        idea = self.get_object()
        data = IdeaWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        try:
            idea = services.idea_edit(idea=idea, actor=request.user, if_match=_if_match(request), **data.validated_data)
        except Idea.DoesNotExist:
            raise idea_not_found() from None  # deleted while this edit waited for it: nothing was written
        return self._respond(idea, status.HTTP_200_OK)

    @extend_schema(
        request=IdeaWriteSerializer,
        responses={200: IdeaSerializer, 412: error_response(412)},
        parameters=[IF_MATCH, ETAG],
    )
    def partial_update(self, request, *args, **kwargs):
        """Change only the fields sent; a concurrent change of the others stays."""
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        request=IdeaDeleteSerializer,
        responses={204: None, 409: error_response(409), 412: error_response(412)},
        parameters=[IF_MATCH],
    )
    def destroy(self, request, *args, **kwargs):
        """The author, or staff with an optional reason (kept in the audit trail). An idea is deleted
        once: a second delete, even a concurrent one, is 404. An idea others were merged into stays (409)."""
        idea = self.get_object()
        data = IdeaDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.idea_delete(idea=idea, actor=request.user, if_match=_if_match(request), **data.validated_data)
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter("title", str, description=str(_("The title being typed."))),
            OpenApiParameter("exclude", int, description=str(_("An idea to leave out: the one being edited."))),
        ],
        responses=SimilarIdeaSerializer(many=True),
    )
    @action(detail=False, pagination_class=None, filterset_class=None)
    def similar(self, request):
        """Existing ideas like a title being typed, to prevent duplicates."""
        title = request.query_params.get("title", "")[: TITLE_MAX * 2]
        exclude = request.query_params.get("exclude")
        ideas = selectors.idea_similar(
            title=title,
            viewer=request.user,
            exclude_pk=int(exclude) if exclude and exclude.isascii() and exclude.isdigit() else None,
        )
        return Response(SimilarIdeaSerializer(ideas, many=True).data)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Categories open for new ideas, parents before their children."""

    serializer_class = CategorySerializer
    pagination_class = None
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.categories_in_order()


class FollowResultSerializer(serializers.Serializer):
    following = serializers.BooleanField()
    follower_count = serializers.IntegerField()


class FollowView(APIView):
    """PUT: follow the idea (also after an unfollow); DELETE: unfollow it, for good (a later vote or
    comment does not follow it again). Both answer whether the member follows it now, and its count."""

    permission_classes = [permissions.IsAuthenticated]

    def _run(self, service) -> Response:
        try:
            idea = selectors.idea_get(pk=self.kwargs["pk"], viewer=self.request.user)
            service(actor=self.request.user, idea=idea)
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        idea.refresh_from_db(fields=["follower_count"])
        following = selectors.is_following(member=self.request.user, idea=idea)
        return Response(FollowResultSerializer({"following": following, "follower_count": idea.follower_count}).data)

    @extend_schema(request=None, responses=FollowResultSerializer, operation_id="ideas_follow_update")
    def put(self, request, pk: int):
        return self._run(services.idea_follow)

    @extend_schema(request=None, responses=FollowResultSerializer, operation_id="ideas_follow_destroy")
    def delete(self, request, pk: int):
        return self._run(services.idea_unfollow)
