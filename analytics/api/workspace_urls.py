"""URLs for the caller's workspaces, switching, and the current workspace's members, included under /api/."""

from django.urls import path

from analytics.api import workspace_views as views
from analytics.api.routes import both_spellings

urlpatterns = [
    path("workspaces/", views.WorkspaceListView.as_view(), name="workspace-list"),
    path("workspaces/current/", views.CurrentWorkspaceView.as_view(), name="workspace-current"),
    path("workspaces/current/members/", views.MemberListView.as_view(), name="workspace-member-list"),
    path(
        "workspaces/current/members/<int:member_id>/", views.MemberDetailView.as_view(), name="workspace-member-detail"
    ),
    path("workspaces/current/invitations/", views.InvitationListView.as_view(), name="workspace-invitation-list"),
    path(
        "workspaces/current/invitations/<int:invitation_id>/",
        views.InvitationDetailView.as_view(),
        name="workspace-invitation-detail",
    ),
]
urlpatterns = both_spellings(urlpatterns)
