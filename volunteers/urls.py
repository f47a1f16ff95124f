from django.urls import path

import common.converters  # noqa: F401  (registers <token:...>)

from . import views

app_name = "volunteers"
urlpatterns = [
    path("roles/", views.role_list, name="roles"),
    path("roles/feed/", views.OpenRolesFeed(), name="roles_feed"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
    path("pool/join/", views.pool_join_view, name="pool_join"),
    path("pool/join/sent/", views.pool_join_sent, name="pool_join_sent"),
    path("pool/confirm/<token:token>/", views.pool_confirm, name="pool_confirm"),
    path("pool/unsubscribe/<token:token>/", views.pool_unsubscribe, name="pool_unsubscribe"),
    path(
        "pool/unsubscribe/<token:token>/one-click/",
        views.pool_unsubscribe_one_click,
        name="pool_unsubscribe_one_click",
    ),
    path("pool/preferences/<token:token>/", views.pool_preferences, name="pool_preferences"),
    path("pool/announcements/", views.announcement_list, name="announcements"),
    path("pool/announcements/feed/", views.AnnouncementsFeed(), name="announcements_feed"),
    path("pool/announcements/<int:pk>/", views.announcement_detail, name="announcement"),
]
