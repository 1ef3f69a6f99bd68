"""Page URLs."""

from django.urls import path

from frontend.views import (
    comments,
    community,
    ideas,
    members,
    moderation,
    moderation_alerts,
    moderation_log,
    notifications,
    pipeline,
)

urlpatterns = [
    path("", ideas.idea_list, name="idea_list"),
    path("ideas/new/", ideas.idea_submit, name="idea_submit"),
    path("ideas/<int:pk>/", ideas.idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/card/", ideas.idea_card, name="idea_card"),
    path("ideas/<int:pk>/vote/", ideas.idea_vote, name="idea_vote"),
    path("ideas/<int:pk>/vote/after-sign-in/", ideas.idea_vote_after_sign_in, name="idea_vote_after_sign_in"),
    path("ideas/<int:pk>/edit/", ideas.idea_edit, name="idea_edit"),
    path("ideas/<int:pk>/delete/", ideas.idea_delete, name="idea_delete"),
    path("ideas/<int:pk>/comments/", comments.comment_post, name="comment_post"),
    path("ideas/<int:pk>/follow/", comments.idea_follow, name="idea_follow"),
    path("ideas/<int:pk>/move/", pipeline.idea_move, name="idea_move"),
    path("ideas/<int:pk>/merge/", pipeline.idea_merge, name="idea_merge"),
    path("ideas/<int:pk>/internal-notes/", pipeline.internal_note_add, name="internal_note_add"),
    path("flags/", moderation.flag, name="flag"),
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/cases/<int:pk>/", moderation.case_detail, name="moderation_case"),
    path("moderation/cases/<int:pk>/decide/", moderation.case_decide, name="moderation_decide"),
    path("moderation/mine/", moderation.my_actions, name="moderation_mine"),
    path("moderation/actions/<int:pk>/", moderation.moderation_action, name="moderation_action"),
    path("moderation/log/", moderation_log.moderation_log, name="moderation_log"),
    path("moderation/alerts/", moderation_alerts.moderation_alerts, name="moderation_alerts"),
    path(
        "moderation/alerts/<int:pk>/acknowledge/",
        moderation_alerts.moderation_alert_acknowledge,
        name="moderation_alert_acknowledge",
    ),
    path("roadmap/", pipeline.roadmap, name="roadmap"),
    path("launched/", pipeline.launched, name="launched"),
    path("triage/", pipeline.triage, name="triage"),
    path("triage/move/", pipeline.triage_move, name="triage_move"),
    path("comments/<int:pk>/", comments.comment_fragment, name="comment_fragment"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/history/", comments.comment_history, name="comment_history"),
    path("comments/<int:pk>/official/", comments.comment_official, name="comment_official"),
    path("members/<int:pk>/", members.member_profile, name="member_profile"),
    path("account/", members.account, name="account"),
    path("account/token/", members.account_token, name="account_token"),
    path("account/export/", members.account_export, name="account_export"),
    path("account/delete/", members.account_delete, name="account_delete"),
    path("account/notifications/", notifications.notification_settings, name="notification_settings"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("notifications/<int:pk>/item/", notifications.notification_item, name="notification_item"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.notifications_unsubscribe,
        name="notifications_unsubscribe",
    ),
    # Community: leaderboards and how points work.
    path("leaderboard/", community.leaderboard, name="leaderboard"),
    path("points/", community.points_rules, name="points_rules"),
]

# The staff dashboard (community/insights.py): the page, and a chart (SVG) and a CSV file of each table.
from frontend.views import insights  # noqa: E402

urlpatterns += [
    path("insights/", insights.insights_dashboard, name="insights"),
    path("insights/<slug:name>.csv", insights.insights_csv, name="insights_csv"),
    path("insights/<slug:name>.svg", insights.insights_chart, name="insights_chart"),
]
