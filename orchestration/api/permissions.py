"""Who may write: planners (and admins) everything; users acting for a supplier only ship notices.

Reads are open to signed-in users, but every queryset is scoped (orchestration.selectors.user_scope),
so a supplier's user sees only its own rows: lists never contain other suppliers' rows, and their
details are 404s.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from config.api.permissions import user_is_planner
from orchestration.selectors import user_scope


class PlannerWrites(BasePermission):
    """Signed-in users read (scoped); writes need the planner role and a user not acting for a supplier."""

    message = "This action needs the planner role."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user_is_planner(user) and not user_scope(user).restricted


class ShipNoticeWriters(BasePermission):
    """Ship notices: planners, or a user acting for a supplier (on that supplier's own lines: the queryset)."""

    message = "Ship notices need the planner role or a supplier account."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        scope = user_scope(user)
        return (scope.restricted and scope.supplier_id is not None) or user_is_planner(user)
