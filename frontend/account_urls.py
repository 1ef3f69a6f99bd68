"""Account pages that replace allauth's own; included before allauth's URLs by config/urls.py."""

from django.urls import path

from frontend.views import members

urlpatterns = [
    # A first password needs a fresh provider sign-in (frontend/views/members.py).
    path("password/set/", members.password_set, name="account_set_password"),
]
