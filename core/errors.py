"""Domain errors and the one DRF exception handler that turns every error into the JSON shape."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A rule of the product was broken; pages show it as a message, the API as a 4xx."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"
    default_message = _("This is not allowed.")

    def __init__(self, message: str | None = None):
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class NotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"
    default_message = _("You are not allowed to do that.")


class NotSignedIn(DomainError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "not_authenticated"
    default_message = _("Sign in first.")


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(message) for message in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {}


def api_exception_handler(exc, context):
    """Every API error as {"detail", "code"} (plus "fields" for invalid input), never a 500 for bad input."""
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, DomainError) and getattr(exc, "field", None):
        # A rule about one parameter (a list's sort, cursor or page size): invalid input, named as a field.
        exc = exceptions.ValidationError({exc.field: [exc.message]})
    elif isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status_code, headers=headers)
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail) or {"non_field_errors": [str(m) for m in exc.detail]}
        first = next(iter(fields.values()))[0]
        response.data = {"detail": first, "code": "invalid", "fields": fields}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"detail": str(detail), "code": getattr(detail, "code", None) or exc.default_code}
    return response
