"""API for comments; views validate the shape of input and call services and selectors."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.hiding import Hidden, sees_hidden
from core.ids import ID_MAX
from core.schema import error_response
from discussion import selectors, services
from discussion.models import COMMENT_MAX, Comment
from ideas.api import AuthorSerializer, idea_not_found
from ideas.models import Idea
from ideas.services import REASON_MAX


def comment_not_found() -> NotFound:
    return NotFound(_("No comment with that id."))


class CommentSerializer(serializers.Serializer):
    """A comment as anyone who may see its idea reads it; a deleted one is a placeholder: no text, no author."""

    id = serializers.IntegerField()
    idea = serializers.IntegerField(source="idea_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    reply_to = serializers.IntegerField(source="reply_to_id", allow_null=True)
    reply_to_name = serializers.SerializerMethodField()
    depth = serializers.IntegerField()
    author = AuthorSerializer(source="shown_author", allow_null=True)
    body = serializers.CharField(source="shown_body", help_text=_("The Markdown source; empty when deleted."))
    body_html = serializers.CharField(source="shown_body_html", help_text=_("Rendered; empty when deleted."))
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField(source="is_deleted")
    concealed = serializers.BooleanField(
        help_text=_("A placeholder for this reader (no text, no author): deleted, or hidden by moderation.")
    )
    hidden = serializers.SerializerMethodField()
    hidden_reason = serializers.SerializerMethodField()
    moderated = serializers.SerializerMethodField()
    official = serializers.BooleanField(source="is_official")
    can_edit = serializers.SerializerMethodField()
    can_delete = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_reply_to_name(self, comment: Comment) -> str | None:
        """The public name of the author of the comment answered, while it is there to read."""
        answered = comment.reply_to
        if answered is None or answered.is_deleted or answered.author is None:
            return None
        if answered.is_hidden and not sees_hidden(self._reader(), answered.author_id):
            return None
        return answered.author.public_name

    def _reader(self):
        request = self.context.get("request")
        return request.user if request else None

    @extend_schema_field(serializers.ChoiceField(choices=[h for h in Hidden.values if h], allow_null=True))
    def get_hidden(self, comment: Comment) -> str | None:
        """Hidden by moderation ("pending" review, or by a "moderator"): told only to its author and staff
        (everyone else reads the placeholder); null when shown."""
        return comment.hidden if comment.is_hidden and not comment.concealed else None

    def get_hidden_reason(self, comment: Comment) -> str | None:
        """Why it is hidden, as its author reads it; null when shown."""
        return comment.hidden_reason if comment.is_hidden and not comment.concealed else None

    def get_moderated(self, comment: Comment) -> bool:
        """A moderator edited it."""
        return comment.moderated_at is not None and not comment.concealed

    def get_can_edit(self, comment: Comment) -> bool:
        return getattr(comment, "may_edit", False)

    def get_can_delete(self, comment: Comment) -> bool:
        return getattr(comment, "may_delete", False)

    def get_url(self, comment: Comment) -> str:
        path = comment.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ThreadPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    official = CommentSerializer(allow_null=True, help_text=_("The official response, pinned above the thread."))
    results = CommentSerializer(many=True)


class CommentWriteSerializer(serializers.Serializer):
    """Only the shape of the input: the rules (length, the parent's idea) live in the service."""

    body = serializers.CharField(max_length=COMMENT_MAX * 2, trim_whitespace=False, allow_blank=True)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX * 2, trim_whitespace=False, allow_blank=True)


class CommentDeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)


class RevisionSerializer(serializers.Serializer):
    body = serializers.CharField()
    body_html = serializers.CharField()
    created_at = serializers.DateTimeField(help_text=_("When this version was written."))


def _signed_in_to_write(view) -> list:
    return [permissions.AllowAny()] if view.request.method == "GET" else [permissions.IsAuthenticated()]


class _CommentMixin:
    def comment(self) -> Comment:
        try:
            return selectors.comment_get(pk=self.kwargs["pk"], viewer=self.request.user)
        except Comment.DoesNotExist:
            raise comment_not_found() from None

    def answer(self, comment: Comment, code: int = status.HTTP_200_OK) -> Response:
        """The comment as this write left it, as the writer reads it."""
        comment = selectors.comment_get(pk=comment.pk, viewer=self.request.user)
        return Response(CommentSerializer(comment, context={"request": self.request}).data, status=code)


class ThreadView(_CommentMixin, APIView):
    """GET: an idea's comments in thread order, keyset-paged (?order=oldest or newest, ?cursor=,
    ?page_size=), with the official response apart. POST: comment, or reply with `parent`."""

    def get_permissions(self):
        return _signed_in_to_write(self)

    def _idea(self) -> Idea:
        try:
            return selectors.idea_for_comments(pk=self.kwargs["pk"], viewer=self.request.user)
        except Idea.DoesNotExist:
            raise idea_not_found() from None

    @extend_schema(
        parameters=[
            OpenApiParameter("order", str, enum=list(selectors.ORDERS), default=selectors.DEFAULT_ORDER),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {selectors.THREAD_PAGE_MAX}"),
        ],
        responses=ThreadPageSerializer,
    )
    def get(self, request, pk: int):
        idea = self._idea()
        params = selectors.thread_params(request.query_params)
        page = selectors.thread(
            idea=idea, viewer=request.user, order=params.order, cursor=params.cursor, size=params.size
        )
        official = selectors.official_response(idea=idea, viewer=request.user)
        cursor = page.next_cursor
        later = replace_query_param(request.build_absolute_uri(), "cursor", cursor) if cursor else None
        context = {"request": request}
        return Response(
            {
                "next": later,
                "official": CommentSerializer(official, context=context).data if official else None,
                "results": CommentSerializer(page.rows, many=True, context=context).data,
            }
        )

    @extend_schema(request=CommentWriteSerializer, responses={201: CommentSerializer})
    def post(self, request, pk: int):
        idea = self._idea()
        data = CommentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent") is not None:
            try:
                parent = selectors.comment_get(pk=data.validated_data["parent"], viewer=request.user)
            except Comment.DoesNotExist:
                raise serializers.ValidationError({"parent": [_("No comment with that id.")]}) from None
        try:
            comment = services.comment_post(
                actor=request.user, idea=idea, body=data.validated_data["body"], parent=parent
            )
        except Idea.DoesNotExist:
            raise idea_not_found() from None
        return self.answer(comment, status.HTTP_201_CREATED)


class CommentView(_CommentMixin, APIView):
    """One comment: read it, edit it (its author), delete it (its author, or staff with a reason)."""

    def get_permissions(self):
        return _signed_in_to_write(self)

    @extend_schema(responses=CommentSerializer)
    def get(self, request, pk: int):
        return Response(CommentSerializer(self.comment(), context={"request": request}).data)

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def patch(self, request, pk: int):
        comment = self.comment()
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = services.comment_edit(actor=request.user, comment=comment, body=data.validated_data["body"])
        except (Comment.DoesNotExist, Idea.DoesNotExist):
            raise comment_not_found() from None
        return self.answer(comment)

    @extend_schema(request=CommentDeleteSerializer, responses={204: None})
    def delete(self, request, pk: int):
        """A comment is deleted once: a second delete, even a concurrent one, is 404."""
        comment = self.comment()
        data = CommentDeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.comment_delete(actor=request.user, comment=comment, **data.validated_data)
        except (Comment.DoesNotExist, Idea.DoesNotExist):
            raise comment_not_found() from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentHistoryView(_CommentMixin, APIView):
    """The earlier versions of an edited comment, oldest first: moderators and staff only."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=RevisionSerializer(many=True))
    def get(self, request, pk: int):
        revisions = selectors.comment_history(comment=self.comment(), viewer=request.user)
        return Response(RevisionSerializer(revisions, many=True).data)


class CommentOfficialView(_CommentMixin, APIView):
    """The product team marks the comment as the idea's official response (POST; one marked before is
    unmarked) or takes the mark back (DELETE)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: CommentSerializer, 409: error_response(409)})
    def post(self, request, pk: int):
        comment = self.comment()
        try:
            services.comment_mark_official(actor=request.user, comment=comment)
        except (Comment.DoesNotExist, Idea.DoesNotExist):
            raise comment_not_found() from None
        return self.answer(comment)

    @extend_schema(request=None, responses=CommentSerializer)
    def delete(self, request, pk: int):
        comment = self.comment()
        try:
            services.comment_unmark_official(actor=request.user, idea=comment.idea, comment=comment)
        except Idea.DoesNotExist:
            raise comment_not_found() from None
        return self.answer(comment)
