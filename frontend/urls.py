"""Page URLs."""

from django.urls import path

from frontend import account_views, views

urlpatterns = [
    path("", views.idea_list, name="idea_list"),
    path("ideas/new/", views.idea_submit, name="idea_submit"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/card/", views.idea_card, name="idea_card"),
    path("ideas/<int:pk>/vote/", views.idea_vote, name="idea_vote"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/delete/", views.idea_delete, name="idea_delete"),
    path("members/<int:pk>/", account_views.member_profile, name="member_profile"),
    path("account/", account_views.account, name="account"),
    path("account/token/", account_views.account_token, name="account_token"),
    path("account/export/", account_views.account_export, name="account_export"),
    path("account/delete/", account_views.account_delete, name="account_delete"),
]
