"""The API's default permission: deny by default, by role (config.api.roles).

Admins and planners read and write; viewers read; a supplier reads only on views that set
`supplier_reads = True` (their querysets are scoped to its own rows); users with no role get 403.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from config.api.roles import INTERNAL_READERS, NO_ROLE_MESSAGE, PLANNER_GROUP, WRITERS, Role, user_access

__all__ = ["PLANNER_GROUP", "ReadOnlyOrPlanner", "user_is_planner"]


def user_is_planner(user) -> bool:
    """Planners and admins may write."""
    return user_access(user).role in WRITERS


class ReadOnlyOrPlanner(BasePermission):
    """Viewers read, planners and admins also write; suppliers read where the view allows it; no role: 403."""

    message = "This action needs the planner role."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        role = user_access(request.user).role
        if request.method not in SAFE_METHODS:
            return role in WRITERS
        if role in INTERNAL_READERS or (role is Role.SUPPLIER and getattr(view, "supplier_reads", False)):
            return True
        if role is Role.NONE:
            self.message = NO_ROLE_MESSAGE
        else:
            self.message = "Supplier accounts see only their own contracts, deliveries and checks."
        return False
