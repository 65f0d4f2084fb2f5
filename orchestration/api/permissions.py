"""Ship notices: the one write a supplier's user makes (on its own lines: the queryset), besides planners.

Every other orchestration route uses the default (config.api.permissions.ReadOnlyOrPlanner); querysets
are scoped too (orchestration.selectors.user_scope), so a supplier's user never sees another's rows.
"""

from rest_framework.permissions import BasePermission

from config.api.roles import WRITERS, Role, user_access


class ShipNoticeWriters(BasePermission):
    """Planners and admins, or a user acting for a supplier."""

    message = "Ship notices need the planner role or a supplier account."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        access = user_access(request.user)
        return access.role in WRITERS or (access.role is Role.SUPPLIER and access.supplier_id is not None)
