"""A sign-in provider that does not answer gets a clear page, not a server error."""

import logging

import requests
from django.shortcuts import render

logger = logging.getLogger(__name__)


class ProviderUnreachableMiddleware:
    """allauth calls providers with requests during sign-in; when one is down or times out,
    tell the member what happened and what to do instead of failing with a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, requests.RequestException):
            return None
        logger.warning("Sign-in provider unreachable: %s", exception)
        context = {"auth_error": {"code": "unreachable"}}
        return render(request, "socialaccount/authentication_error.html", context, status=502)
