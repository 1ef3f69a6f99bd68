"""POST /api/v1/preview/: Markdown rendered by the one renderer, for the "Preview" tab of the comment box
and the idea form, so what a member previews is exactly what the page will show."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can_write
from accounts.selectors import mention_links
from core import ratelimit
from core.content import render_markdown
from ideas.models import BODY_MAX


class PreviewSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    kind = serializers.ChoiceField(
        choices=["comment", "idea"],
        default="comment",
        help_text="What the body is for: a comment links its @mentions, an idea does not.",
    )


class PreviewResultSerializer(serializers.Serializer):
    html = serializers.CharField(help_text="The body as the page will show it.")


def preview_html(*, actor, body: str, kind: str = "comment") -> str:
    """The body rendered as a comment (mentions of active members link) or an idea would be; rate limited,
    and refused to a suspended member, who has nothing to post."""
    can_write(user=actor).check()
    if len(body) > BODY_MAX:
        raise ValidationError({"body": [_("Keep it to %(n)s characters or fewer.") % {"n": f"{BODY_MAX:,}"}]})
    ratelimit.check_write(actor=actor, action="preview")
    if not body.strip():
        return ""
    return render_markdown(body.strip(), mentions=mention_links if kind == "comment" else None)


class PreviewView(APIView):
    """Signed-in members only: the renderer is bounded but not free."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PreviewSerializer, responses=PreviewResultSerializer, operation_id="preview_create")
    def post(self, request):
        data = PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"html": preview_html(actor=request.user, **data.validated_data)})
