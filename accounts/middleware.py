"""A sign-in provider that does not answer gets a clear page, not a server error."""

import logging

import requests
from django.shortcuts import render

logger = logging.getLogger(__name__)


def provider_failed_page(request, code: str):
    """The sign-in failure page, 502: the provider (or its configuration) failed, not the member;
    `code` picks what it says ("unreachable", "insecure")."""
    return render(request, "socialaccount/authentication_error.html", {"auth_error": {"code": code}}, status=502)


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
        return provider_failed_page(request, "unreachable")
