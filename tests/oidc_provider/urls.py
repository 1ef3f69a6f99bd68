"""URLs of the test identity provider: its sign-in pages and the OpenID Connect endpoints."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("", include("allauth.idp.urls")),
]
