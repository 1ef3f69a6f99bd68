"""The OpenAPI schema says what the API answers: every operation documents the errors it can give, in
the one JSON shape of core/errors.py, besides what each view declares itself (409, 412, ...)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS


class ErrorSerializer(serializers.Serializer):
    """Every API error: what went wrong in words, a code for programs, and for bad input each field's messages."""

    detail = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


ERRORS = {
    "400": _("Bad input: `fields` names each parameter or field that is wrong, with its messages."),
    "401": _("Not signed in, or the token sent is not valid."),
    "403": _("Not allowed (`detail` says why), or a session write without its CSRF token."),
    "404": _("No such object, or not one you may see."),
    "409": _("The object is in a state that does not allow this."),
    "412": _("`If-Match` names an older revision: read the object again, then make your change."),
    "415": _("The request body is in a media type the API does not read."),
    "429": _("Too many requests: try again after the seconds in `Retry-After`."),
}


def error_response(code: int | str) -> OpenApiResponse:
    """An error answer in the JSON shape, for the errors a view declares itself: {409: error_response(409)}."""
    return OpenApiResponse(ErrorSerializer, description=ERRORS[str(code)])


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the errors any operation of its kind can answer."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            responses.setdefault(code, self._get_response_for_code(error_response(code), code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        write = self.method not in SAFE_METHODS
        query = any(parameter["in"] == "query" for parameter in operation.get("parameters", []))
        signs_in = any(requirement for requirement in operation.get("security", []))
        codes = []
        if write or query:
            codes.append("400")  # a field, a parameter, or a body that is not JSON
        if signs_in:
            codes.append("401")  # a token that is wrong: on every operation that reads one
        if write and signs_in:
            codes.append("403")  # a rule, or CSRF for a session
        if "{" in self.path:
            codes.append("404")
        if "requestBody" in operation:
            codes.append("415")
        if write:
            codes.append("429")  # writes are throttled
        return codes
