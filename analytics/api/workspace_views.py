"""The caller's workspaces, switching the session's current one, and (admins) its members and invitations."""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.permissions import RoleAllowed
from analytics.api.serializers import ErrorSerializer
from analytics.api.workspace import request_membership, request_membership_or_none, workspace_switch
from analytics.permissions import MEMBERS, RoleAction
from analytics.services.members import invitation_withdraw, member_add, member_change, member_delete
from workspaces.models import Invitation, Membership, Role
from workspaces.selectors import memberships_of
from workspaces.services import WorkspaceError

ROLES = [role.value for role in Role]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_LOGGED_IN = _error("No valid session or token.")
NOT_ADMIN = _error("A member of no workspace, or not an admin of the current one (the message names the role).")


class MyWorkspaceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=ROLES)
    current = serializers.BooleanField(help_text="The workspace the session or token acts in.")


class SwitchSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The slug of a workspace the caller is a member of.")


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership's id (not the user's).")
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email", allow_blank=True)
    role = serializers.ChoiceField(choices=ROLES)
    regions = serializers.ListField(child=serializers.CharField(), help_text="Region codes; empty: every region.")
    departments = serializers.ListField(
        child=serializers.IntegerField(), help_text="Department codes; empty: every department."
    )


class LimitsSerializer(serializers.Serializer):
    regions = serializers.ListField(child=serializers.CharField(max_length=12), required=False, max_length=500)
    departments = serializers.ListField(child=serializers.IntegerField(min_value=0), required=False, max_length=500)


class MemberAddSerializer(LimitsSerializer):
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=ROLES)

    def validate(self, attrs: dict) -> dict:
        """Exactly one of username and email."""
        if bool(attrs.get("username")) == bool(attrs.get("email")):
            raise ValidationError({"username": ["Give either a username or an email, not both or neither."]})
        return attrs


class MemberChangeSerializer(LimitsSerializer):
    role = serializers.ChoiceField(choices=ROLES, required=False)


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=ROLES)
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)


class MemberAddedSerializer(serializers.Serializer):
    member = MemberSerializer(allow_null=True, help_text="The new member, when a user had that username or email.")
    invitation = InvitationSerializer(allow_null=True, help_text="The invitation, for an email nobody has yet.")


class MembershipRefused(APIException):
    """400 with the workspaces service's own sentence (last admin, already a member, unknown code)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "membership_refused"


def _refused(error: WorkspaceError) -> MembershipRefused:
    return MembershipRefused(str(error))


class WorkspaceListView(APIView):
    """The caller's workspaces."""

    @extend_schema(
        tags=["workspaces"],
        summary="My workspaces",
        responses={200: MyWorkspaceSerializer(many=True), 401: NOT_LOGGED_IN},
    )
    def get(self, request: Request) -> Response:
        """Every workspace the caller is a member of, with their role; `current` marks the one the request acts in."""
        current = request_membership_or_none(request)
        rows = [
            {
                "slug": membership.workspace.slug,
                "name": membership.workspace.name,
                "role": membership.role,
                "current": current is not None and membership.workspace_id == current.workspace_id,
            }
            for membership in memberships_of(request.user)
        ]
        return Response(MyWorkspaceSerializer(rows, many=True).data)


class CurrentWorkspaceView(APIView):
    """Switch the session's current workspace."""

    @extend_schema(
        tags=["workspaces"],
        summary="Switch workspace",
        request=SwitchSerializer,
        responses={
            200: MyWorkspaceSerializer,
            400: _error("No slug, or the request authenticated with a token (a token keeps its workspace)."),
            401: NOT_LOGGED_IN,
            403: _error("CSRF check failed."),
            404: _error("The caller is not a member of a workspace with this slug."),
        },
    )
    def post(self, request: Request) -> Response:
        """Make the session act in the workspace with this slug from now on."""
        body = SwitchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = workspace_switch(request, slug=body.validated_data["slug"])
        shown = {
            "slug": membership.workspace.slug,
            "name": membership.workspace.name,
            "role": membership.role,
            "current": True,
        }
        return Response(MyWorkspaceSerializer(shown).data)


class AdminView(APIView):
    """A view of the current workspace's membership: admins only."""

    permission_classes = (IsAuthenticated, RoleAllowed)

    def role_action(self, request: Request) -> RoleAction:
        """Managing members needs the admin role."""
        return MEMBERS

    def member(self, request: Request, member_id: int) -> Membership:
        """A membership of the current workspace by id; 404 for another workspace's."""
        found = (
            Membership.objects.filter(pk=member_id, workspace_id=request_membership(request).workspace_id)
            .select_related("user", "workspace")
            .first()
        )
        if found is None:
            raise NotFound("No member of this workspace has this id.")
        return found


def _members(workspace_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace_id=workspace_id).select_related("user").order_by("user__username")


class MemberListView(AdminView):
    """The current workspace's members: list, add."""

    @extend_schema(
        tags=["workspaces"],
        summary="The current workspace's members",
        responses={200: MemberSerializer(many=True), 401: NOT_LOGGED_IN, 403: NOT_ADMIN},
    )
    def get(self, request: Request) -> Response:
        """Every member, by username, with role and row limits."""
        return Response(MemberSerializer(_members(request_membership(request).workspace_id), many=True).data)

    @extend_schema(
        tags=["workspaces"],
        summary="Add a member or invite an email",
        request=MemberAddSerializer,
        responses={
            201: MemberAddedSerializer,
            400: _error("A field is wrong, the user is already a member, or a region/department code is unknown."),
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
        },
    )
    def post(self, request: Request) -> Response:
        """An existing user (by username or email) becomes a member; an unknown email gets an invitation."""
        body = MemberAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = body.validated_data
        try:
            added = member_add(
                workspace=request_membership(request).workspace,
                role=fields["role"],
                username=fields.get("username", ""),
                email=fields.get("email", ""),
                regions=fields.get("regions"),
                departments=fields.get("departments"),
                invited_by=request.user if isinstance(request.user, User) else None,
            )
        except WorkspaceError as error:
            raise _refused(error) from error
        shown = {
            "member": MemberSerializer(added.membership).data if added.membership else None,
            "invitation": InvitationSerializer(added.invitation).data if added.invitation else None,
        }
        return Response(shown, status=status.HTTP_201_CREATED)


class MemberDetailView(AdminView):
    """One member of the current workspace: change role and limits, remove."""

    @extend_schema(
        tags=["workspaces"],
        summary="Change a member's role or row limits",
        request=MemberChangeSerializer,
        responses={
            200: MemberSerializer,
            400: _error("A field is wrong, a code unknown, or the last admin would stop being one."),
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
            404: _error("No member of this workspace has this id."),
        },
    )
    def patch(self, request: Request, member_id: int) -> Response:
        """Change the role, the regions or the departments (the fields given)."""
        membership = self.member(request, member_id)
        body = MemberChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            changed = member_change(membership=membership, **body.validated_data)
        except WorkspaceError as error:
            raise _refused(error) from error
        return Response(MemberSerializer(changed).data)

    @extend_schema(
        tags=["workspaces"],
        summary="Remove a member",
        request=None,
        responses={
            204: None,
            400: _error("The last admin of a workspace cannot be removed."),
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
            404: _error("No member of this workspace has this id."),
        },
    )
    def delete(self, request: Request, member_id: int) -> Response:
        """Remove the member; their tokens of this workspace stop working at once."""
        try:
            member_delete(membership=self.member(request, member_id))
        except WorkspaceError as error:
            raise _refused(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(AdminView):
    """The current workspace's invitations."""

    @extend_schema(
        tags=["workspaces"],
        summary="The current workspace's invitations",
        responses={200: InvitationSerializer(many=True), 401: NOT_LOGGED_IN, 403: NOT_ADMIN},
    )
    def get(self, request: Request) -> Response:
        """Every invitation, newest first, accepted ones included (accepted_at set)."""
        invitations = Invitation.objects.filter(workspace_id=request_membership(request).workspace_id).select_related(
            "invited_by"
        )
        return Response(InvitationSerializer(invitations, many=True).data)


class InvitationDetailView(AdminView):
    """One invitation of the current workspace."""

    @extend_schema(
        tags=["workspaces"],
        summary="Withdraw an invitation",
        request=None,
        responses={
            204: None,
            401: NOT_LOGGED_IN,
            403: NOT_ADMIN,
            404: _error("No invitation of this workspace has this id."),
        },
    )
    def delete(self, request: Request, invitation_id: int) -> Response:
        """Delete the invitation: signing in with its email no longer joins the workspace."""
        if not invitation_withdraw(workspace=request_membership(request).workspace, invitation_id=invitation_id):
            raise NotFound("No invitation of this workspace has this id.")
        return Response(status=status.HTTP_204_NO_CONTENT)
