"""DRF permission classes: every data endpoint needs a membership of the request's workspace,
and the role its action needs (analytics/permissions.py names the actions)."""

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from analytics.api.workspace import request_membership
from analytics.models import Job
from analytics.permissions import OTHERS_JOBS, READ, RoleAction

if TYPE_CHECKING:  # rest_framework.views imports the permission classes from settings
    from rest_framework.views import APIView


@runtime_checkable
class NeedsRole(Protocol):
    """A view guarded by RoleAllowed: it names the action its request is."""

    def role_action(self, request: Request) -> RoleAction | None:
        """The action the request is; None when the view answers for itself (an unknown import kind)."""
        ...


class RoleAllowed(BasePermission):
    """The caller is a member of the request's workspace whose role allows the view's
    action (READ for a view that names none); a refusal names the role needed."""

    message = "You do not have permission to perform this action."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        """Whether the caller's role allows what the request does (403 for no membership)."""
        if not request.user.is_authenticated:
            return False  # DRF answers 401 for an unauthenticated caller
        action: RoleAction | None = READ
        if isinstance(view, NeedsRole):
            action = view.role_action(request)
        elif getattr(view, "role_action", None) is not None:
            raise ImproperlyConfigured(f"{type(view).__name__}.role_action does not take the request")
        membership = request_membership(request)
        if action is None or action.allowed(membership):
            return True
        self.message = action.refusal(membership)  # DRF reads the refusal from the instance it asked
        return False


class JobVisible(BasePermission):
    """A job of the request's workspace is seen by whoever started it and by its analysts
    and admins (views look jobs up within the workspace, so another's is a 404 first)."""

    message = "Jobs started by others need the analyst role."

    def has_object_permission(self, request: Request, view: "APIView", obj: Job) -> bool:
        """Whether the caller may see this job."""
        membership = request_membership(request)
        if obj.created_by_id == request.user.pk or OTHERS_JOBS.allowed(membership):
            return True
        self.message = OTHERS_JOBS.refusal(membership)
        return False
