from rest_framework.permissions import SAFE_METHODS, BasePermission

PLANNER_GROUP = "planner"


def user_is_planner(user) -> bool:
    """Planners (and admins) may write; every other signed-in user reads."""
    return bool(
        user and user.is_authenticated and (user.is_superuser or user.groups.filter(name=PLANNER_GROUP).exists())
    )


class ReadOnlyOrPlanner(BasePermission):
    """Signed-in users read; writes need the planner role."""

    message = "This action needs the planner role."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user_is_planner(request.user)
