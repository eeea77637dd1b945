"""DRF permission classes for the endpoints that start work or show its outcome: each needs
its own Django permission (analytics/permissions.py), never mere staff status."""

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from analytics.models import Job
from analytics.permissions import Action, action_allowed

if TYPE_CHECKING:  # rest_framework.views imports the permission classes from settings
    from rest_framework.views import APIView


@runtime_checkable
class StartsAction(Protocol):
    """A view guarded by ActionAllowed: it names the permission its request needs."""

    def permission_action(self, kwargs: dict[str, Any]) -> Action | None:
        """The action the request (its URL's kwargs) starts; None when the view answers for itself."""
        ...


VIEW_JOBS = Action("analytics.view_job", "Only the job's starter or holders of “Can view job” may see it.")


class ActionAllowed(BasePermission):
    """The caller holds the permission of the view's `permission_action(kwargs)`; a refusal
    names the permission. A view that returns None (an unknown import kind) answers for itself."""

    message = "You do not have permission to perform this action."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        """Whether the caller may start what the view starts."""
        if not isinstance(view, StartsAction):
            raise ImproperlyConfigured(f"{type(view).__name__} uses ActionAllowed but has no permission_action()")
        action = view.permission_action(view.kwargs)
        if action is None:
            return True
        if not action_allowed(request.user, action):
            self.message = action.refusal  # DRF reads the refusal from the instance it asked
            return False
        return True


class JobVisible(BasePermission):
    """A job is seen by whoever started it and by holders of analytics.view_job."""

    message = VIEW_JOBS.refusal

    def has_object_permission(self, request: Request, view: "APIView", obj: Job) -> bool:
        """Whether the caller may see this job."""
        return obj.created_by_id == request.user.pk or action_allowed(request.user, VIEW_JOBS)
