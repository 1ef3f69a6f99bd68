"""API for one's own account and for API tokens."""

from allauth.account.adapter import get_adapter
from django.contrib.auth import logout
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import reauthentication
from accounts.authentication import token_expires_at
from accounts.models import BIO_MAX, DISPLAY_NAME_MAX, Role, User
from accounts.permissions import Banned
from accounts.selectors import member_export, member_suggestions, member_token
from accounts.services import account_delete, api_token_issue, api_token_revoke, profile_update
from core import ratelimit
from core.errors import NotAllowed
from core.schema import error_response


class ProviderSignInNeeded(NotAllowed):
    code = "reauthentication_required"
    default_message = _(
        "Your account has no password: sign in again through your provider in the browser, then delete it "
        "from there within a few minutes."
    )


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="public_name", read_only=True)
    # A plain string, not format "uri": it is empty when the member has no picture.
    avatar_url = serializers.CharField(read_only=True, help_text=_("The picture's address, or empty."))
    # The same roles as beside the member's name everywhere (an admin holds every role).
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)
    profile_hidden = serializers.BooleanField(
        source="profile_is_hidden",
        read_only=True,
        help_text=_("A moderator hid the about text and picture from others (the reason is beside it)."),
    )

    class Meta:
        model = User
        fields = [
            "id", "email", "display_name", "name", "bio", "bio_html", "avatar_url", "roles", "date_joined",
            "profile_hidden", "profile_hidden_reason", "suspended_until", "suspension_reason",
        ]  # fmt: skip
        read_only_fields = fields


class ProfileSerializer(serializers.Serializer):
    """Only the shape of the input: the limits are checked by profile_update, with field messages."""

    display_name = serializers.CharField(max_length=DISPLAY_NAME_MAX * 4, allow_blank=True, required=False)
    bio = serializers.CharField(max_length=BIO_MAX * 5, allow_blank=True, required=False, trim_whitespace=False)


class DeleteSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, trim_whitespace=False)


class MeView(APIView):
    """The signed-in member: read, change the profile, or delete the account."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses=MeSerializer)
    def patch(self, request):
        data = ProfileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {"display_name": request.user.display_name, "bio": request.user.bio, **data.validated_data}
        return Response(MeSerializer(profile_update(actor=request.user, **values)).data)

    @extend_schema(request=DeleteSerializer, responses={204: None})
    def delete(self, request):
        """Delete the account: confirm with the password, or, without one, from a browser session
        signed in through a provider within the last 5 minutes."""
        data = DeleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if user.has_usable_password():
            if not user.check_password(data.validated_data.get("password", "")):
                raise serializers.ValidationError({"password": [_("Confirm with your password.")]})
        elif reauthentication.needs_provider_sign_in(request):
            raise ProviderSignInNeeded()
        account_delete(actor=user, user=user)
        logout(request)  # this session too, if it is one: nothing of the member stays in it
        return Response(status=204)


@method_decorator(never_cache, name="dispatch")
class ExportView(APIView):
    """All the forum holds about the signed-in member, as JSON."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request):
        response = Response(member_export(user=request.user))
        response["Content-Disposition"] = 'attachment; filename="idea-forum-export.json"'
        return response


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


def password_sign_in(request, *, email: str, password: str) -> User | None:
    """The active member whose e-mail and password these are, or None; a banned member's right password
    raises Banned (403, with the reason). Counted against the sign-in form's own limits (allauth's
    ACCOUNT_RATE_LIMITS "login" per client, "login_failed" per client and per address, with the same
    counters), so the API is no way around them. Too many raise RateLimited."""
    ratelimit.consume(request, action="login")
    adapter = get_adapter(request)
    try:
        user = adapter.authenticate(request, email=email, password=password)
    except DjangoValidationError as error:
        if error.code != "too_many_login_attempts":
            raise
        key = adapter._get_login_attempts_cache_key(request, email=email)
        seconds = ratelimit.retry_after(request, app=ratelimit.ACCOUNT_APP, action="login_failed", key=key)
        raise ratelimit.RateLimited(str(error.message), retry_after=seconds) from None
    if user is not None and user.is_banned:
        raise Banned(user)  # the password was right, so say why, as the sign-in form does
    return user if user is not None and user.is_active else None


@method_decorator(never_cache, name="dispatch")
class TokenView(APIView):
    """POST: trade e-mail and password for a token, for scripts: send it as `Authorization: Token <key>`.
    It works for API_TOKEN_LIFETIME_DAYS; then the API answers 401 with the code `token_expired`.
    Attempts count against the sign-in form's limits: too many answer 429 with `Retry-After`.
    DELETE: revoke the signed-in member's token (POST again makes a new one)."""

    def get_authenticators(self):
        # A password needs no other credentials, and a stale token sent along must not stand in its way.
        # (self.request is None while drf-spectacular builds the schema.)
        return [] if getattr(self.request, "method", None) == "POST" else super().get_authenticators()

    def get_permissions(self):
        return [permissions.AllowAny()] if self.request.method == "POST" else [permissions.IsAuthenticated()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: error_response(400),
            403: error_response(403),
            429: error_response(429),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = password_sign_in(
            request._request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise serializers.ValidationError({"password": [_("E-mail or password is wrong.")]})
        api_token_issue(actor=user)
        token = member_token(user=user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        api_token_revoke(actor=request.user)
        return Response(status=204)


class MemberSuggestionSerializer(serializers.Serializer):
    """A member as the @mention autocomplete offers them: never their e-mail address."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")
    url = serializers.CharField(source="get_absolute_url")


class MemberSuggestView(APIView):
    """Members whose name holds the words typed (two characters or more), at most 8, for @mentions.
    Signed-in members only, so the list of members cannot be read anonymously."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description=str(_("What was typed after the @.")))],
        responses=MemberSuggestionSerializer(many=True),
    )
    def get(self, request):
        members = member_suggestions(query=request.query_params.get("q", ""))
        return Response(MemberSuggestionSerializer(members, many=True).data)
